import type * as vscode from 'vscode';
import { registerCheckpointTree } from './checkpointTree';
import { registerInspector } from './inspectorEditor';
import { registerRemoteCheckpoints } from './remoteCheckpoints';
import { registerScanFolderCommand } from './scanFolderCommand';
import { registerSecurityProblems } from './securityProblems';
import { createSessionClient, createSessionOpener } from './sessionHost';
import { VerdictScan } from './verdictScan';

export function activate(context: vscode.ExtensionContext): void {
  // One session worker: the inspectors parse in it, and the tree's security scan reads pickles in it.
  const client = createSessionClient(context);
  const scan = new VerdictScan((path, signal) => client.verdict({ kind: 'file', path }, { signal }));
  context.subscriptions.push(scan, registerSecurityProblems(scan), registerScanFolderCommand(scan));
  registerCheckpointTree(context, scan);
  registerInspector(context, createSessionOpener(client));
  registerRemoteCheckpoints(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
