// Opening one checkpoint file activates the extension too; that alone must not set recursive
// watchers on every root or poll for missing ones. This file runs before every test that shows
// the tree (index.ts puts it first).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, nanochatBaseDir, waitFor, within, workspaceDir } from './support/fixturePaths';
import type { TreeUpdatesState } from '../../src/extension/treeUpdates';

async function treeState(): Promise<TreeUpdatesState> {
  const state = await vscode.commands.executeCommand<TreeUpdatesState>('checkpointManager._testing.treeState');
  assert.ok(state, 'the tree state command answers');
  return state;
}

describe('file watching starts with the tree, not with the extension', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opening a checkpoint file starts no watcher and no polling', async () => {
    const file = vscode.Uri.file(join(workspaceDir(), 'checkpoints', 'best.pt'));
    await within('opening best.pt', vscode.commands.executeCommand('vscode.open', file));
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    assert.deepEqual(await treeState(), { started: false, watched: [], missing: [], polling: false, relists: [] });
  });

  it('showing the tree watches the roots that exist, and polls only while one is missing', async () => {
    const config = vscode.workspace.getConfiguration('checkpointManager');
    const missing = join(workspaceDir(), 'not-yet-trained');
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
    const shown = await waitFor('the watchers to start', async () => {
      const s = await treeState();
      return s.watched.length >= 2 ? s : undefined;
    });
    assert.deepEqual(
      { started: shown.started, watched: shown.watched, missing: shown.missing, polling: shown.polling },
      { started: true, watched: [nanochatBaseDir(), workspaceDir()], missing: [], polling: false },
    );
    try {
      await config.update('extraFolders', [missing], vscode.ConfigurationTarget.Global);
      const polling = await waitFor('the missing folder to be polled for', async () => {
        const s = await treeState();
        return s.polling ? s : undefined;
      });
      assert.deepEqual(polling.missing, [missing]);
      assert.deepEqual(polling.watched, [nanochatBaseDir(), workspaceDir()]);
    } finally {
      await config.update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('polling to stop', async () => ((await treeState()).polling ? undefined : true));
  });
});
