// Wires the Checkpoints view: provider, tree view, file watching with debounce, and commands.

import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { CheckpointTreeProvider } from './checkpointTreeProvider';
import { registerTreeCommands } from './checkpointTreeCommands';
import { DebouncedTrigger, RootWatchers } from './checkpointWatcher';
import { readTreeSettings } from './treeRoots';

export const CHECKPOINTS_VIEW_ID = 'checkpointManager.checkpoints';

// A root that does not exist yet (no training run so far) cannot be watched; look for it now and then.
const MISSING_ROOT_POLL_MS = 10_000;

/**
 * Registers the Checkpoints tree, its file watching and its commands; everything is disposed
 * through `context.subscriptions`. Returns the provider so the caller can expose it.
 */
export function registerCheckpointTree(context: vscode.ExtensionContext): CheckpointTreeProvider {
  let settings = readTreeSettings();
  const provider = new CheckpointTreeProvider(settings);
  const view = vscode.window.createTreeView(CHECKPOINTS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const trigger = new DebouncedTrigger(settings.refreshDelayMs, () => void provider.refresh());
  const watchers = new RootWatchers(() => trigger.poke());

  const missing = new Set<string>();
  const rewatch = (): void => {
    watchers.watch(settings.roots.map((r) => r.path));
  };
  const checkMissing = async (): Promise<void> => {
    let appeared = false;
    for (const r of settings.roots) {
      const exists = await stat(r.path).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (exists && missing.has(r.path)) appeared = true;
      if (exists) missing.delete(r.path);
      else missing.add(r.path);
    }
    if (appeared) {
      rewatch();
      trigger.poke();
    }
  };
  rewatch();
  void checkMissing();
  const poll = setInterval(() => void checkMissing(), MISSING_ROOT_POLL_MS);

  const reconfigure = (): void => {
    settings = readTreeSettings();
    provider.setSettings(settings);
    trigger.setDelay(settings.refreshDelayMs);
    rewatch();
    void checkMissing();
    void provider.refresh();
  };

  context.subscriptions.push(
    provider,
    view,
    trigger,
    watchers,
    { dispose: () => clearInterval(poll) },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('checkpointManager')) reconfigure();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(reconfigure),
    ...registerTreeCommands(provider),
  );
  return provider;
}
