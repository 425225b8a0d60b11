// *Archive…* on checkpoints in the tree: copies each one whole (a nanochat step's files, an HF
// `checkpoint-N/` folder, a file) to a folder anywhere VS Code can write (`workspace.fs`, so remote
// and virtual file systems work), under a temporary name first; checks every file of the copy
// against its source by size and sha256 (hashed in the session worker); only then gives the copy
// its name and records it in the run's state file, which pins the source against pruning.
// An existing copy is replaced only once the user says so. Progress shows, and Cancel stops
// between files and removes the temporary copy.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, plural } from '../core/format';
import { checkpointKey } from '../core/listing/checkpointKey';
import { runLabel } from '../core/listing/listingTree';
import type { CheckpointEntry, RunListing } from '../core/listing/listingTypes';
import { NANOCHAT_KIND_DIRS } from '../core/listing/nanochatHome';
import { addArchiveRecord } from '../core/marks/marksFile';
import { pruneUnitOf } from '../core/prune/pruneUnit';
import type { SessionClient } from '../core/session/sessionClient';
import { sourceSpecFor } from './byteSources';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import { checkpointNodes, relistRuns } from './marksCommands';

export interface ArchivedFile {
  /** Relative to the checkpoint's copy (a folder's files), or its name. */
  name: string;
  bytes: number;
  sha256: string;
}

export interface ArchiveResult {
  checkpoint: string;
  /** Where each path of the unit was copied, as URIs. */
  copies: string[];
  files: ArchivedFile[];
}

/** The folder a run's copies go in, under the archive: nanochat's own layout, else the run folder's name. */
function runFolder(root: string, run: RunListing): string[] {
  const kind = NANOCHAT_KIND_DIRS.find((k) => k.kind === run.kind);
  return kind ? [kind.dir, run.tag] : [runLabel(root, run)];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Every file below `uri` with its path relative to it; `uri` itself, named '', when it is a file. */
async function filesOf(uri: vscode.Uri, prefix = ''): Promise<Array<{ uri: vscode.Uri; name: string }>> {
  const stat = await vscode.workspace.fs.stat(uri);
  if ((stat.type & vscode.FileType.Directory) === 0) return [{ uri, name: prefix }];
  const out: Array<{ uri: vscode.Uri; name: string }> = [];
  for (const [name] of (await vscode.workspace.fs.readDirectory(uri)).sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...(await filesOf(vscode.Uri.joinPath(uri, name), prefix ? `${prefix}/${name}` : name)));
  }
  return out;
}

async function archiveFolder(): Promise<vscode.Uri | undefined> {
  const setting = vscode.workspace.getConfiguration('checkpointManager').get<string>('archiveFolder', '').trim();
  if (setting) return /^[a-z][a-z0-9+.-]+:/i.test(setting) && !/^[a-z]:[\\/]/i.test(setting) ? vscode.Uri.parse(setting) : vscode.Uri.file(setting);
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Archive Here', title: 'Folder to archive checkpoints to' });
  return picked?.[0];
}

class Cancelled extends Error {}

/** Copies and checks one checkpoint; throws on a mismatch, leaving no copy under the final name. */
async function archiveOne(
  client: SessionClient,
  c: CheckpointEntry,
  target: vscode.Uri,
  overwrite: boolean,
  step: (bytes: number, message: string) => void,
  signal: AbortSignal,
): Promise<ArchiveResult> {
  await vscode.workspace.fs.createDirectory(target);
  const copies: string[] = [];
  const files: ArchivedFile[] = [];
  const partials: vscode.Uri[] = [];
  try {
    const placed: Array<{ partial: vscode.Uri; final: vscode.Uri }> = [];
    for (const path of pruneUnitOf(c).paths) {
      if (signal.aborted) throw new Cancelled();
      const source = vscode.Uri.file(path);
      const final = vscode.Uri.joinPath(target, basename(path));
      const partial = vscode.Uri.joinPath(target, `.${basename(path)}.archiving`);
      partials.push(partial);
      await vscode.workspace.fs.copy(source, partial, { overwrite: true });
      const sourceFiles = await filesOf(source);
      const copyFiles = await filesOf(partial);
      step(sourceFiles.length, `copied ${basename(path)}`);
      if (sourceFiles.map((f) => f.name).join('\n') !== copyFiles.map((f) => f.name).join('\n')) throw new Error(`the copy of ${basename(path)} does not hold the same files`);
      for (let i = 0; i < sourceFiles.length; i++) {
        const from = sourceFiles[i]!;
        const [a, b] = [await client.sha256(await sourceSpecFor(from.uri), { signal }), await client.sha256(await sourceSpecFor(copyFiles[i]!.uri), { signal })];
        if (a.bytes !== b.bytes || a.sha256 !== b.sha256) throw new Error(`the copy of ${from.name || basename(path)} differs from its source (${a.bytes} bytes, sha256 ${a.sha256.slice(0, 12)}…; copy ${b.bytes} bytes, ${b.sha256.slice(0, 12)}…)`);
        const name = from.name ? `${basename(path)}/${from.name}` : basename(path);
        files.push({ name, bytes: a.bytes, sha256: a.sha256 });
        step(0, `verified ${name}`);
      }
      placed.push({ partial, final });
    }
    // Every file checked: the copies take their names.
    for (const { partial, final } of placed) {
      await vscode.workspace.fs.rename(partial, final, { overwrite });
      partials.splice(partials.indexOf(partial), 1);
      copies.push(final.toString());
    }
    return { checkpoint: c.name, copies, files };
  } finally {
    // Our own temporary copies, never anything the user had.
    for (const p of partials) await vscode.workspace.fs.delete(p, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  }
}

export function registerArchiveCommand(provider: CheckpointTreeProvider, client: SessionClient): vscode.Disposable {
  return vscode.commands.registerCommand('checkpointManager.archive', async (arg?: unknown, selected?: unknown): Promise<ArchiveResult[] | undefined> => {
    const nodes = checkpointNodes(arg, selected);
    if (nodes.length === 0) {
      void vscode.window.showInformationMessage('Choose checkpoints in the Checkpoints tree to archive them.');
      return undefined;
    }
    const listed = await provider.runs();
    const chosen = nodes.flatMap((n) => {
      const l = listed.find((r) => r.run.dir === n.data!.runDir);
      const c = l?.run.checkpoints.find((x) => checkpointKey(x) === n.data!.key);
      return l && c ? [{ listed: l, c }] : [];
    });
    const dest = await archiveFolder();
    if (!dest || chosen.length === 0) return undefined;
    const targets = chosen.map(({ listed: l, c }) => ({ l, c, target: vscode.Uri.joinPath(dest, ...runFolder(l.root, l.run)) }));
    const existing: string[] = [];
    for (const t of targets) for (const p of pruneUnitOf(t.c).paths) if (await exists(vscode.Uri.joinPath(t.target, basename(p)))) existing.push(vscode.Uri.joinPath(t.target, basename(p)).fsPath);
    let overwrite = false;
    if (existing.length > 0) {
      const replace = 'Replace';
      const answer = await vscode.window.showWarningMessage(`${plural(existing.length, 'copy', 'copies')} already in the archive. Replace ${existing.length === 1 ? 'it' : 'them'}?`, { modal: true, detail: existing.slice(0, 10).join('\n') }, replace);
      if (answer !== replace) return undefined;
      overwrite = true;
    }
    const total = targets.reduce((n, t) => n + t.c.files.length * 2, 0);
    const results: ArchiveResult[] = [];
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Archiving checkpoints', cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        for (const { l, c, target } of targets) {
          const result = await archiveOne(client, c, target, overwrite, (_n, message) => progress.report({ increment: 100 / Math.max(1, total), message: `${c.name}: ${message}` }), controller.signal);
          await addArchiveRecord(l.run.dir, checkpointKey(c), target.scheme === 'file' ? target.fsPath : target.toString());
          results.push(result);
        }
      });
    } catch (err) {
      const cancelled = err instanceof Cancelled || (err as { name?: string }).name === 'AbortError';
      if (cancelled) void vscode.window.showInformationMessage(`Archive cancelled${results.length ? ` after ${plural(results.length, 'checkpoint')}` : ''}: nothing half-copied is left.`);
      else void vscode.window.showErrorMessage(`Archive failed: ${err instanceof Error ? err.message : String(err)}. Nothing was recorded for that checkpoint.`);
    }
    await relistRuns(provider, targets.map((t) => t.l.run.dir));
    if (results.length > 0) {
      const bytes = results.reduce((n, r) => n + r.files.reduce((m, f) => m + f.bytes, 0), 0);
      void vscode.window.showInformationMessage(`Archived ${plural(results.length, 'checkpoint')} (${formatBytes(bytes)}) to ${dest.scheme === 'file' ? dest.fsPath : dest.toString()}; every file checked by sha256. The originals are now pinned against pruning.`);
    }
    return results;
  });
}
