// A DeepSpeed save folder in the real VS Code: the tree lists `global_step10/` as one checkpoint
// (layout deepspeed, a shard per ZeRO partition), and Inspect Checkpoint on that row opens the
// whole checkpoint: the model states with the fp32 weights assembled from the ranks' partitions
// (as many model parameters as the fp32 state dict saved whole holds), not the model states alone.
import * as assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { inspectFile } from '../../src/core/session/inspectFile';
import { EXTENSION_ID, repoFixture, workspaceDir } from './support/fixturePaths';
import { inspectorSentFor, treeCheckpointRow } from './support/treeInspect';

describe('a DeepSpeed checkpoint in the tree and the inspector', function () {
  this.timeout(60_000);
  const scratch = () => join(workspaceDir(), 'scratch-deepspeed');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(scratch(), { recursive: true, force: true });
  });

  it('lists global_step10 as one checkpoint and inspects it with the assembled fp32 weights', async () => {
    cpSync(repoFixture('deepspeed', 'zero2'), scratch(), { recursive: true });
    const folder = join(scratch(), 'global_step10');
    const states = join(folder, 'mp_rank_00_model_states.pt');
    const row = await treeCheckpointRow('the DeepSpeed checkpoint in the tree', folder);
    assert.deepEqual([row.contextValue.split('.')[1], row.openPath], ['deepspeed', states]);

    await vscode.commands.executeCommand('checkpointManager.inspect', row);
    const shown = await inspectorSentFor('the inspector of the checkpoint', states);
    const truth = await inspectFile(repoFixture('deepspeed', 'truth', 'zero2.pt'), { sidecars: false });
    const whole = await inspectFile(folder);
    assert.ok(shown.sent?.kind === 'report', `a report, not ${JSON.stringify(shown.sent)}`);
    assert.deepEqual([shown.sent.tensors, shown.sent.modelParameters], [whole.tensors.length, truth.parameters]);
    assert.ok(whole.tensors.some((t) => t.path === 'fp32.embed.weight' && t.dtype === 'float32'));
  });
});
