// A Megatron-LM save folder in the real VS Code: the tree lists each iter_N/ as one checkpoint
// with its rank files as shards, and Inspect Checkpoint on that row opens every rank's state (as
// many tensors as torch.load saw in the rank files together), not rank 0's file alone.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, repoFixture, workspaceDir } from './support/fixturePaths';
import { inspectorSentFor, treeCheckpointRow } from './support/treeInspect';

describe('a Megatron-LM save folder in the tree and the inspector', function () {
  this.timeout(60_000);
  const scratch = () => join(workspaceDir(), 'scratch-megatron');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(scratch(), { recursive: true, force: true });
  });

  it('lists an iteration as one checkpoint with its shard count, and inspects every rank', async () => {
    cpSync(repoFixture('megatron', 'tp2'), scratch(), { recursive: true });
    const iter = join(scratch(), 'iter_0000020');
    const row = await treeCheckpointRow('the iteration in the tree', iter);
    const rank0 = join(iter, 'mp_rank_00', 'model_optim_rng.pt');
    assert.deepEqual([row.label, row.contextValue.split('.')[1], row.openPath, /in 2 shards/.test(row.description ?? '')], ['iter_0000020', 'megatron', rank0, true]);

    await vscode.commands.executeCommand('checkpointManager.inspect', row);
    const shown = await inspectorSentFor('the inspector of the iteration', rank0);
    const truth = JSON.parse(readFileSync(repoFixture('megatron', 'truth.json'), 'utf8')) as Record<string, { tensors: number }>;
    const tensors = ['mp_rank_00', 'mp_rank_01'].reduce((n, dir) => n + truth[`tp2/iter_0000020/${dir}/model_optim_rng.pt`]!.tensors, 0);
    assert.ok(shown.sent?.kind === 'report', `a report, not ${JSON.stringify(shown.sent)}`);
    assert.deepEqual([shown.sent.tensors, shown.sent.verdict], [tensors, 'suspicious']);
  });
});
