// The tree's commands: refresh, add a folder, inspect, reveal in the OS, copy the path, and the
// internal snapshot used by the integration tests.

import * as vscode from 'vscode';
import { isShardIndexName } from '../core/checkpoint/shardIndex';
import type { ViewNode } from '../core/listing/listingTree';
import { openTarget } from '../core/listing/listingTree';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import { inspectorViewTypeFor } from './inspectorEditor';
import { revealPath } from './revealPath';
import type { RevealOutcome } from './revealPath';
import { addExtraFolder } from './treeRoots';

/**
 * Internal, not in package.json: returns the tree as plain data (`NodeSnapshot[]`) once any
 * relist in flight has finished. It never triggers a relist, so tests can tell that file
 * watching (not the call) brought a new checkpoint in.
 */
export const SNAPSHOT_COMMAND = 'checkpointManager._testing.treeSnapshot';

/** The path a command acts on: a tree node, a URI (explorer menus), or nothing (palette). */
export function targetPath(arg: unknown, open: boolean): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && 'contextValue' in arg) {
    const node = arg as ViewNode;
    return open ? node.openPath : node.path;
  }
  return undefined;
}

/** A checkpoint picked from every one the tree lists. */
export async function pickCheckpoint(provider: CheckpointTreeProvider, placeHolder = 'Checkpoint to inspect'): Promise<{ path: string; whole: boolean } | undefined> {
  const items = await provider.checkpointPicks();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No checkpoints found.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked && { path: picked.path, whole: picked.whole };
}

/** What Inspect opens for a command's argument, and whether it is a whole checkpoint of many files. */
export function inspectTarget(arg: unknown): { path: string; whole: boolean } | undefined {
  const node = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && 'contextValue' in arg ? (arg as ViewNode) : undefined;
  if (node) return openTarget(node);
  const path = targetPath(arg, true);
  return path === undefined ? undefined : { path, whole: false };
}

/** `whole`: the path names a checkpoint of many files (a nanochat step's meta file), opened in the inspector. */
export async function openCheckpoint(path: string, whole = false): Promise<void> {
  const uri = vscode.Uri.file(path);
  // Sidecars are JSON: the text editor shows them; the inspector is for weights, and for a
  // sharded set's index, which opens the whole set.
  if (!whole && path.toLowerCase().endsWith('.json') && !isShardIndexName(path)) await vscode.commands.executeCommand('vscode.open', uri);
  else await vscode.commands.executeCommand('vscode.openWith', uri, inspectorViewTypeFor(path));
}

export function registerTreeCommands(provider: CheckpointTreeProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('checkpointManager.refresh', () => provider.refresh()),
    vscode.commands.registerCommand('checkpointManager.addFolder', async (arg?: unknown) => {
      // A folder URI comes from an Explorer menu (or a test); otherwise ask.
      const folder =
        arg instanceof vscode.Uri
          ? arg
          : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Add Checkpoint Folder' }))?.[0];
      // The configuration listener relists and rewatches.
      if (folder) await addExtraFolder(folder.fsPath);
    }),
    vscode.commands.registerCommand('checkpointManager.inspect', async (arg?: unknown) => {
      const target = inspectTarget(arg);
      const picked = target ?? (arg === undefined ? await pickCheckpoint(provider) : undefined);
      if (picked) await openCheckpoint(picked.path, picked.whole);
      else if (arg !== undefined) void vscode.window.showWarningMessage('This checkpoint has no model file to inspect yet.');
    }),
    // Returns how it revealed the path, for the integration tests.
    vscode.commands.registerCommand('checkpointManager.revealInOS', async (arg?: unknown): Promise<RevealOutcome | undefined> => {
      const path = targetPath(arg, false);
      return path ? revealPath(path) : undefined;
    }),
    vscode.commands.registerCommand('checkpointManager.copyPath', async (arg?: unknown) => {
      const path = targetPath(arg, false);
      if (path) await vscode.env.clipboard.writeText(path);
    }),
    vscode.commands.registerCommand(SNAPSHOT_COMMAND, () => provider.snapshot()),
  ];
}
