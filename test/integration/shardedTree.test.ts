// A Hugging Face sharded folder in the real VS Code: the tree lists its shards and index as one
// checkpoint with a shard count, and Inspect Checkpoint on that row opens the whole model (every
// shard's tensors, as many as the same state dict saved whole holds), not the first shard.
import * as assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { inspectFile } from '../../src/core/session/inspectFile';
import { EXTENSION_ID, repoFixture, workspaceDir } from './support/fixturePaths';
import { inspectorSentFor, treeCheckpointRow } from './support/treeInspect';

describe('a sharded Hugging Face folder in the tree and the inspector', function () {
  this.timeout(60_000);
  const scratch = () => join(workspaceDir(), 'scratch-sharded');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // Watching starts when the tree is first shown: the copied folder is found by the watcher.
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(scratch(), { recursive: true, force: true });
  });

  it('lists the set as one checkpoint with its shard count, and inspects the whole model', async () => {
    cpSync(repoFixture('sharded', 'hf_safetensors'), scratch(), { recursive: true });
    const index = join(scratch(), 'model.safetensors.index.json');
    const row = await treeCheckpointRow('the sharded set in the tree', scratch());
    assert.deepEqual([row.label, row.contextValue.split('.')[1], row.openPath, /in 3 shards/.test(row.description ?? '')], ['model.safetensors', 'hf-sharded', index, true]);

    await vscode.commands.executeCommand('checkpointManager.inspect', row);
    const shown = await inspectorSentFor('the inspector of the index', index);
    // The whole model: what the state dict saved as one file holds, read independently of the shards.
    const whole = await inspectFile(repoFixture('sharded', 'merged.pt'));
    assert.ok(shown.sent?.kind === 'report', `a report, not ${JSON.stringify(shown.sent)}`);
    assert.deepEqual([shown.sent.format, shown.sent.tensors, shown.sent.parameters, shown.sent.verdict], ['safetensors', whole.tensors.length, whole.parameters, 'safe']);
  });
});
