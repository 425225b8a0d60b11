// Wires the Checkpoints view: provider, tree view, the updates that keep it live, and commands.

import * as vscode from 'vscode';
import { CheckpointTreeProvider } from './checkpointTreeProvider';
import { registerTreeCommands } from './checkpointTreeCommands';
import { registerArchiveCommand } from './archiveCommand';
import { RunFactsCache, workerFactOptions } from './hostRunFacts';
import { registerMarkCommands } from './marksCommands';
import { registerPruneCommand } from './pruneCommand';
import { registerRunView } from './runViewCommand';
import { sessionClient } from './sessionHost';
import { registerStorageReport } from './storagePanel';
import { readTreeSettings } from './treeRoots';
import { TreeUpdates } from './treeUpdates';
import type { VerdictScan } from './verdictScan';

export const CHECKPOINTS_VIEW_ID = 'checkpointManager.checkpoints';

/** Internal, not in package.json: the watchers, polling and recent relists (`TreeUpdatesState`). */
export const TREE_STATE_COMMAND = 'checkpointManager._testing.treeState';

/** Internal, not in package.json: waits for the security scan to judge what is queued; its counts. */
export const VERDICT_SCAN_STATE_COMMAND = 'checkpointManager._testing.verdictScan';

/**
 * Registers the Checkpoints tree, its file watching and its commands; everything is disposed
 * through `context.subscriptions`. Returns the provider so the caller can expose it.
 */
export function registerCheckpointTree(context: vscode.ExtensionContext, scan?: VerdictScan): CheckpointTreeProvider {
  let settings = readTreeSettings();
  const provider = new CheckpointTreeProvider(settings, scan);
  const view = vscode.window.createTreeView(CHECKPOINTS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true, canSelectMany: true });
  const updates = new TreeUpdates(provider, settings);
  const client = sessionClient(context);
  const facts = new RunFactsCache(client);
  // Watching starts with the first look at the tree, not with activation (an opened file).
  if (view.visible) updates.start();

  const reconfigure = (): void => {
    settings = readTreeSettings();
    provider.setSettings(settings);
    updates.reconfigure(settings);
    // A tree never shown lists when it is first shown, with these settings.
    if (provider.hasListed) void provider.refresh();
  };

  context.subscriptions.push(
    provider,
    view,
    updates,
    view.onDidChangeVisibility((e) => {
      if (e.visible) updates.start();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('checkpointManager')) reconfigure();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(reconfigure),
    // Trust brings the workspace's own folder and depth settings in.
    vscode.workspace.onDidGrantWorkspaceTrust(reconfigure),
    ...registerTreeCommands(provider),
    ...registerPruneCommand(provider, workerFactOptions(client)),
    ...registerRunView(context, provider, facts),
    ...registerStorageReport(context, provider, client, facts),
    ...registerMarkCommands(provider, context.workspaceState),
    registerArchiveCommand(provider, client),
    vscode.commands.registerCommand(TREE_STATE_COMMAND, () => updates.state()),
    vscode.commands.registerCommand(VERDICT_SCAN_STATE_COMMAND, async () => {
      await provider.settled();
      await scan?.settled();
      return scan?.counts;
    }),
  );
  return provider;
}
