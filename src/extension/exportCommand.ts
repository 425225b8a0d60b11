// *Export for Inference…* on a checkpoint in the tree, a file in the Explorer, the inspector's
// editor title or the palette: asks for the format, dtype and prefix strip, then where to save,
// and writes the model's weights in the session worker with progress and cancel. A replaced
// target is confirmed first (modal); the source is never a target; a cancel leaves no file.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { defaultExportPath, packedWrapperPrefixes } from '../core/export/exportChoices';
import type { ExportRequest, ExportResult } from '../core/export/exportCheckpoint';
import { sizeLine } from '../core/export/exportSummary';
import type { OutputKind } from '../core/export/exportTargets';
import { existingOutputs, isSourcePath } from '../core/export/exportTargets';
import { parseSize } from '../core/export/shardPlan';
import { urlFileName } from '../core/code/downloadCode';
import type { CastName } from '../core/export/elementCast';
import { describeError } from '../core/errors';
import type { RemoteSession, SessionClient } from '../core/session/sessionClient';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import { openCheckpoint, pickCheckpoint, targetPath } from './checkpointTreeCommands';
import type { ExportAnswers, ExportPrompts } from './exportPrompts';
import { dialogPrompts, QueuedPrompts } from './exportPrompts';
import type { InspectorEditorProvider } from './inspectorEditor';
import { percentReporter } from './inspectorDocument';
import { sourceSpecFor } from './byteSources';
import { revealPath } from './revealPath';

export const EXPORT_COMMAND = 'checkpointManager.exportForInference';
/** Internal: the next *Export for Inference…* answers its questions from these (integration tests). */
export const EXPORT_TESTING_COMMAND = 'checkpointManager._testing.exportAnswers';

/** How an export ended, for the integration tests (the user sees messages). */
export type ExportOutcome =
  | { outcome: 'written'; result: ExportResult }
  | { outcome: 'cancelled' | 'declined' | 'dismissed' | 'untrusted' }
  | { outcome: 'failed'; error: string };

function isCancel(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | undefined;
  return e?.name === 'AbortError' || e?.code === 'cancelled';
}

function maxShardBytes(): number | undefined {
  const text = vscode.workspace.getConfiguration('checkpointManager').get<string>('export.maxShardSize', '5GB');
  return parseSize(text);
}

/** The setting that flushes every export to the disk before its rename (a replaced target's always is). */
function waitForDisk(): boolean {
  return vscode.workspace.getConfiguration('checkpointManager').get<boolean>('export.waitForDisk', false);
}

/** What is exported: a file on this machine (a checkpoint or a sharded set's index), or a URL. */
interface SourceRef {
  uri: vscode.Uri;
  /** The path on this machine, for files. */
  local?: string;
  name: string;
}

function sourceRef(uri: vscode.Uri): SourceRef {
  if (uri.scheme === 'file') return { uri, local: uri.fsPath, name: basename(uri.fsPath) };
  return { uri, name: urlFileName(uri.toString(true)) };
}

/** Where the save dialog starts: beside a local source; for a URL, in the first workspace folder (else the home folder). */
function proposedPath(source: SourceRef, kind: OutputKind, dtype: CastName | undefined): string {
  const base = source.local ?? join(vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? homedir(), source.name);
  return defaultExportPath(base, kind, dtype);
}

/** The questions, then the export; the session is the caller's. */
async function runExport(source: SourceRef, session: RemoteSession, prompts: ExportPrompts, provider: CheckpointTreeProvider | undefined): Promise<ExportOutcome> {
  const name = source.name;
  const kind = await prompts.format(name);
  if (!kind) return { outcome: 'dismissed' };
  const dtype = await prompts.dtype(name);
  if (dtype === undefined) return { outcome: 'dismissed' };
  const prefixes = packedWrapperPrefixes(session.packedReport);
  const strip = prefixes.length ? await prompts.strip(name, prefixes) : [];
  if (!strip) return { outcome: 'dismissed' };
  const chosen = await prompts.target(proposedPath(source, kind, dtype ?? undefined), kind);
  if (!chosen) return { outcome: 'dismissed' };
  const output = kind === 'safetensors-folder' && !/[\\/]$/.test(chosen) ? `${chosen}/` : chosen;
  if (source.local && (await isSourcePath(source.local, chosen))) {
    void vscode.window.showErrorMessage(`${basename(chosen)} is the checkpoint being exported: an export never writes over its source. Choose another name.`);
    return { outcome: 'failed', error: 'the target is the source' };
  }
  const existing = await existingOutputs(output, kind);
  if (existing.length && !(await prompts.confirmReplace(chosen, existing))) return { outcome: 'declined' };

  const request: ExportRequest = {
    output,
    ...(dtype ? { dtype } : {}),
    ...(strip.length ? { stripPrefixes: strip } : {}),
    ...(kind === 'safetensors-folder' ? { maxShardBytes: maxShardBytes() } : {}),
    force: existing.length > 0,
    ...(waitForDisk() ? { sync: true } : {}),
  };
  const title = `Exporting ${name} to ${basename(chosen)}${dtype ? ` (${dtype})` : ''}`;
  let result: ExportResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = () => controller.abort();
      token.onCancellationRequested(cancel);
      const report = percentReporter(progress);
      return session.export(request, {
        signal: controller.signal,
        onProgress: (done, total) => {
          report(done, total);
          prompts.progress(done, total, cancel);
        },
      });
    });
  } catch (err) {
    if (isCancel(err)) {
      void vscode.window.showInformationMessage(`Export of ${name} cancelled: nothing was written.`);
      return { outcome: 'cancelled' };
    }
    const message = describeError(err);
    void vscode.window.showErrorMessage(`Could not export ${name}: ${message}`);
    return { outcome: 'failed', error: message };
  }
  // A tree never shown lists when it is first shown (and then sees the new file).
  if (provider?.hasListed) await provider.refresh();
  void offerResult(result, kind, prompts);
  return { outcome: 'written', result };
}

/** The result message, with Reveal and Inspect. */
async function offerResult(result: ExportResult, kind: OutputKind, prompts: ExportPrompts): Promise<void> {
  const first = result.files[0]!.path;
  const what = result.files.length === 1 ? basename(first) : `${result.files.length} files`;
  const cast = result.cast ? `, ${result.cast} cast to ${result.dtype}` : '';
  const action = await prompts.result(`Exported ${result.tensors} tensors to ${what}: ${sizeLine(result)}${cast}.`);
  if (action === 'Reveal') await revealPath(kind === 'safetensors-folder' ? first.replace(/[\\/][^\\/]*$/, '') : first);
  else if (action === 'Inspect') await openCheckpoint(first);
}

const EXPORTABLE_SCHEMES = ['file', 'http', 'https'];

/**
 * The checkpoint a command acts on: a tree node or Explorer URI, else the active inspector's
 * (a file, a sharded set's index, or a URL opened by *Open Checkpoint from URL…*), else a pick.
 */
async function sourceOf(arg: unknown, inspector: InspectorEditorProvider, provider: CheckpointTreeProvider): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && !EXPORTABLE_SCHEMES.includes(arg.scheme)) {
    void vscode.window.showWarningMessage('Only a checkpoint on this machine\'s file system or at an http(s) URL can be exported.');
    return undefined;
  }
  if (arg instanceof vscode.Uri && arg.scheme !== 'file') return arg;
  const fromArg = targetPath(arg, true);
  if (fromArg) return vscode.Uri.file(fromArg);
  if (arg !== undefined) {
    void vscode.window.showWarningMessage('This checkpoint has no model file to export yet.');
    return undefined;
  }
  const active = inspector.activeDocument?.uri;
  if (active && EXPORTABLE_SCHEMES.includes(active.scheme)) return active;
  const picked = await pickCheckpoint(provider, 'Checkpoint to export for inference');
  return picked === undefined ? undefined : vscode.Uri.file(picked.path);
}

export function registerExportCommand(client: SessionClient, inspector: InspectorEditorProvider, provider: CheckpointTreeProvider): vscode.Disposable[] {
  let queued: QueuedPrompts | undefined;
  return [
    vscode.commands.registerCommand(EXPORT_COMMAND, async (arg?: unknown): Promise<ExportOutcome | undefined> => {
      const prompts = queued ?? dialogPrompts;
      queued = undefined;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Exporting writes files: trust this workspace first.');
        return { outcome: 'untrusted' };
      }
      const uri = await sourceOf(arg, inspector, provider);
      if (!uri) return undefined;
      const source = sourceRef(uri);
      let session: RemoteSession;
      try {
        // A URL is read by range requests in the session worker, with its host's token if one is kept.
        const spec = await sourceSpecFor(uri);
        session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${source.name}` }, () => client.openSession(spec));
      } catch (err) {
        const message = describeError(err);
        void vscode.window.showErrorMessage(`Could not read ${source.name}: ${message}`);
        return { outcome: 'failed', error: message };
      }
      try {
        return await runExport(source, session, prompts, provider);
      } finally {
        await session.close();
      }
    }),
    vscode.commands.registerCommand(EXPORT_TESTING_COMMAND, (answers: ExportAnswers) => {
      queued = new QueuedPrompts({ ...answers });
      return queued.asked;
    }),
  ];
}
