// Hugging Face sharded sets in the listing: the numbered shards and their index are one checkpoint
// (layout `hf-sharded`) with its size and shard count, opened through the index; a missing shard
// or index marks it incomplete; a `checkpoint-N/` folder of shards says how many and opens its
// index; `list` prints the shard count; prune deletes every file of the set.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { listRoot } from '../../src/core/listing/listRoot';
import { checkpointTooltip } from '../../src/core/listing/listingFormat';
import { pruneUnitOf } from '../../src/core/prune/pruneUnit';
import { makeTree } from './support/tempTree';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const tree = {
  'final/model.safetensors.index.json': 50,
  'final/model-00001-of-00003.safetensors': 1000,
  'final/model-00002-of-00003.safetensors': 2000,
  'final/model-00003-of-00003.safetensors': 3000,
  'final/config.json': 10,
  'final/lone.pt': 7,
  'broken/pytorch_model.bin.index.json': 40,
  'broken/pytorch_model-00001-of-00002.bin': 100,
  'noindex/model-00001-of-00001.safetensors': 100,
  'run/checkpoint-200/model.safetensors.index.json': 30,
  'run/checkpoint-200/model-00001-of-00002.safetensors': 300,
  'run/checkpoint-200/model-00002-of-00002.safetensors': 400,
  'run/checkpoint-200/optimizer.pt': 500,
};

test('a sharded set lists as one checkpoint with its size, shard count and index to open', async () => {
  const { root, cleanup } = await makeTree(tree);
  try {
    const listing = await listRoot(root);
    const rows = listing.runs.map((r) => ({
      tag: r.tag,
      checkpoints: r.checkpoints.map((c) => ({ name: c.name, layout: c.layout, shards: c.shards, bytes: c.bytes, modelBytes: c.modelBytes, main: c.mainFile?.slice(root.length + 1), files: c.files.map((f) => f.name), incomplete: c.incomplete })),
    }));
    assert.deepEqual(rows, [
      { tag: 'broken', checkpoints: [{ name: 'pytorch_model.bin', layout: 'hf-sharded', shards: 1, bytes: 140, modelBytes: 100, main: 'broken/pytorch_model.bin.index.json', files: ['pytorch_model.bin.index.json', 'pytorch_model-00001-of-00002.bin'], incomplete: 'no pytorch_model-00002-of-00002.bin' }] },
      {
        tag: 'final',
        checkpoints: [
          { name: 'lone.pt', layout: 'file', shards: undefined, bytes: 7, modelBytes: 0, main: 'final/lone.pt', files: ['lone.pt'], incomplete: undefined },
          { name: 'model.safetensors', layout: 'hf-sharded', shards: 3, bytes: 6050, modelBytes: 6000, main: 'final/model.safetensors.index.json', files: ['model.safetensors.index.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors'], incomplete: undefined },
        ],
      },
      { tag: 'noindex', checkpoints: [{ name: 'model.safetensors', layout: 'hf-sharded', shards: 1, bytes: 100, modelBytes: 100, main: 'noindex/model-00001-of-00001.safetensors', files: ['model-00001-of-00001.safetensors'], incomplete: 'no model.safetensors.index.json' }] },
      { tag: 'run', checkpoints: [{ name: 'checkpoint-200', layout: 'huggingface', shards: 2, bytes: 1230, modelBytes: 700, main: 'run/checkpoint-200/model.safetensors.index.json', files: ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'optimizer.pt'], incomplete: undefined }] },
    ]);
    const set = listing.runs.find((r) => r.tag === 'final')!.checkpoints[1]!;
    assert.match(checkpointTooltip(set), /- shards: 3 \(Hugging Face shards/);
    // Deleting the set deletes its shards and index, not the folder's other files.
    assert.deepEqual(pruneUnitOf(set).paths.map((p) => p.slice(root.length + 1)), set.files.map((f) => `final/${f.name}`));
  } finally {
    await cleanup();
  }
});

test('`list` prints the shard count of a sharded set; `--json` has it per checkpoint', async () => {
  const { root, cleanup } = await makeTree(tree);
  try {
    const table = spawnSync(process.execPath, [cli, 'list', root], { encoding: 'utf8' });
    assert.equal(table.status, 0, table.stderr);
    const header = table.stdout.split('\n').find((l) => l.startsWith('KIND'))!;
    assert.match(header, /COUNT\s+SHARDS\s+SIZE/);
    const final = table.stdout.split('\n').find((l) => /\sfinal\s/.test(l))!;
    assert.match(final, /final\s+2\s+3\s+/);
    const json = spawnSync(process.execPath, [cli, 'list', '--json', root], { encoding: 'utf8' });
    const runs = JSON.parse(json.stdout).runs as Array<{ tag: string; checkpoints: Array<{ layout: string; shards?: number }> }>;
    assert.deepEqual(runs.find((r) => r.tag === 'final')!.checkpoints.map((c) => [c.layout, c.shards]), [['file', undefined], ['hf-sharded', 3]]);
  } finally {
    await cleanup();
  }
});
