// DCP folders in the listing: each is one checkpoint (layout `dcp`) with its size, its shard
// count (the .distcp files) and the step its name (or, for Accelerate's parts, its parent's)
// tells; a `.metadata` without data files, or .distcp files alone, are no checkpoint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { listRoot } from '../../src/core/listing/listRoot';
import { makeTree } from './support/tempTree';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

test('DCP folders list as one checkpoint each, with size, step and shard count', async () => {
  const { root, cleanup } = await makeTree({
    'run/step_300/.metadata': 100,
    'run/step_300/__0_0.distcp': 1000,
    'run/step_300/__1_0.distcp': 2000,
    'out/checkpoints/checkpoint_20/pytorch_model_fsdp_0/.metadata': 10,
    'out/checkpoints/checkpoint_20/pytorch_model_fsdp_0/__0_0.distcp': 500,
    'out/checkpoints/checkpoint_20/optimizer_0/.metadata': 10,
    'out/checkpoints/checkpoint_20/optimizer_0/__0_0.distcp': 700,
    'lonely/.metadata': 10,
    'stray/__0_0.distcp': 10,
  });
  try {
    const listing = await listRoot(root);
    const rows = listing.runs.map((r) => ({
      tag: r.tag,
      checkpoints: r.checkpoints.map((c) => ({ name: c.name, layout: c.layout, step: c.step, shards: c.shards, bytes: c.bytes, modelBytes: c.modelBytes, optimizerBytes: c.optimizerBytes, main: c.mainFile?.slice(root.length + 1), files: c.files.map((f) => f.name) })),
    }));
    assert.deepEqual(rows, [
      { tag: 'out/checkpoints/checkpoint_20/optimizer_0', checkpoints: [{ name: 'optimizer_0', layout: 'dcp', step: 20, shards: 1, bytes: 710, modelBytes: 0, optimizerBytes: 700, main: 'out/checkpoints/checkpoint_20/optimizer_0/.metadata', files: ['.metadata', '__0_0.distcp'] }] },
      { tag: 'out/checkpoints/checkpoint_20/pytorch_model_fsdp_0', checkpoints: [{ name: 'pytorch_model_fsdp_0', layout: 'dcp', step: 20, shards: 1, bytes: 510, modelBytes: 500, optimizerBytes: 0, main: 'out/checkpoints/checkpoint_20/pytorch_model_fsdp_0/.metadata', files: ['.metadata', '__0_0.distcp'] }] },
      { tag: 'run/step_300', checkpoints: [{ name: 'step_300', layout: 'dcp', step: 300, shards: 2, bytes: 3100, modelBytes: 0, optimizerBytes: 0, main: 'run/step_300/.metadata', files: ['.metadata', '__0_0.distcp', '__1_0.distcp'] }] },
    ]);
  } finally {
    await cleanup();
  }
});

test('`list --json` shows the fixtures\' DCP folders with their shard count', () => {
  const r = spawnSync(process.execPath, [cli, 'list', '--json', join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const runs = JSON.parse(r.stdout).runs as Array<{ tag: string; checkpoints: Array<{ layout: string; shards?: number; step: number | null }> }>;
  const two = runs.find((x) => x.tag === 'two_ranks')!;
  assert.deepEqual(two.checkpoints.map((c) => [c.layout, c.shards, c.step]), [['dcp', 2, null]]);
  const fsdp = runs.find((x) => x.tag === 'accelerate/checkpoint_20/pytorch_model_fsdp_0')!;
  assert.deepEqual(fsdp.checkpoints.map((c) => [c.layout, c.shards, c.step]), [['dcp', 2, 20]]);
});
