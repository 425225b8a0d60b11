// *Copy Load Code* and *Copy Resume Code*: the Python for the inspector's file, written by the
// core from its report (src/core/code/loadCode.ts), put on the clipboard.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadCode, resumeCode } from '../core/code/loadCode';
import { unpackReport } from '../core/inspect/tensorColumns';
import type { CodeKind } from '../shared/protocol';
import type { InspectorDocument } from './inspectorDocument';

export const COPY_LOAD_CODE_COMMAND = 'checkpointManager.copyLoadCode';
export const COPY_RESUME_CODE_COMMAND = 'checkpointManager.copyResumeCode';

/** Copies the snippet for the document's file; returns it (undefined while there is no report). */
export async function copyCode(document: InspectorDocument | undefined, kind: CodeKind): Promise<string | undefined> {
  const state = document?.current;
  if (!document || state?.kind !== 'report') {
    void vscode.window.showInformationMessage('Open a checkpoint in the Checkpoint Inspector to copy the code that loads it.');
    return undefined;
  }
  const path = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
  const report = unpackReport(state.report);
  const text = kind === 'load' ? loadCode(report, path) : resumeCode(report, path);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied the ${kind === 'load' ? 'load' : 'resume'} code for ${basename(path)}.`, 4000);
  return text;
}
