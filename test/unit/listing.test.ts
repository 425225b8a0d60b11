import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import type { RootListing } from '../../src/core/listing/listingTypes';
import { createSidecarCache } from '../../src/core/listing/sidecars';
import { resolveNanochatHome } from '../../src/core/listing/nanochatHome';
import { renderListingTable } from '../../src/core/listing/listingTable';
import { checkpointAriaLabel, checkpointTooltip } from '../../src/core/listing/listingFormat';
import { makeTree } from './support/tempTree';
import type { TreeSpec } from './support/tempTree';

// --- helpers ---

/** A listing without absolute paths and mtimes, for whole-value assertions. */
function shape(listing: RootListing): unknown {
  return {
    layout: listing.layout,
    runs: listing.runs.map((r) => ({
      kind: r.kind,
      tag: r.tag,
      dir: r.dir.slice(listing.root.length + 1) || '.',
      bytes: r.bytes,
      modelBytes: r.modelBytes,
      optimizerBytes: r.optimizerBytes,
      ...(r.primaryMetric ? { primaryMetric: r.primaryMetric } : {}),
      checkpoints: r.checkpoints.map((c) => ({
        name: c.name,
        step: c.step,
        ...(c.epoch !== undefined ? { epoch: c.epoch } : {}),
        files: c.files.map((f) => `${f.name}:${f.role}:${f.bytes}`),
        metrics: c.metrics,
        best: c.best,
        ...(c.incomplete ? { incomplete: c.incomplete } : {}),
      })),
    })),
  };
}

const meta = (step: number, valBpb: number): string =>
  JSON.stringify({ step, val_bpb: valBpb, model_config: { n_layer: 2, n_embd: 64 }, device_batch_size: 4 });

// --- nanochat home ---

const NANOCHAT: TreeSpec = {
  'base_checkpoints/d2/model_000100.pt': 1000,
  'base_checkpoints/d2/meta_000100.json': meta(100, 1.25),
  'base_checkpoints/d2/optim_000100_rank0.pt': 2000,
  'base_checkpoints/d2/optim_000100_rank1.pt': 2000,
  'base_checkpoints/d2/model_000200.pt': 1000,
  'base_checkpoints/d2/meta_000200.json': meta(200, 0.95),
  'base_checkpoints/d2/optim_000200_rank0.pt': 2000,
  'base_checkpoints/d2/optim_000200_rank1.pt': 2000,
  'base_checkpoints/d2/model_000300.pt': 1000,
  'base_checkpoints/d2/meta_000300.json': meta(300, 1.05),
  'base_checkpoints/d10/model_000050.pt': 500,
  'mid_checkpoints/d2/model_000010.pt': 1000,
  'chatrl_checkpoints/d2/model_000005.pt': 1000,
  'chatrl_checkpoints/d2/meta_000005.json': '{"step": 5, "val_bpb": 0.9',
  'notes.txt': 'not a kind folder',
};

test('a nanochat home lists kind → tag → step, with grouped files, metrics and the best marked', async () => {
  const { root, cleanup } = await makeTree(NANOCHAT);
  try {
    const listing = await listRoot(root);
    const metaBytes = (s: number, v: number): number => Buffer.byteLength(meta(s, v));
    assert.deepEqual(shape(listing), {
      layout: 'nanochat',
      runs: [
        {
          kind: 'base',
          tag: 'd2',
          dir: 'base_checkpoints/d2',
          bytes: 3000 + 8000 + metaBytes(100, 1.25) + metaBytes(200, 0.95) + metaBytes(300, 1.05),
          modelBytes: 3000,
          optimizerBytes: 8000,
          primaryMetric: { name: 'val_bpb', lowerIsBetter: true },
          checkpoints: [
            {
              name: 'step 000100',
              step: 100,
              files: ['model_000100.pt:model:1000', `meta_000100.json:meta:${metaBytes(100, 1.25)}`, 'optim_000100_rank0.pt:optimizer:2000', 'optim_000100_rank1.pt:optimizer:2000'],
              metrics: { val_bpb: 1.25 },
              best: false,
            },
            {
              name: 'step 000200',
              step: 200,
              files: ['model_000200.pt:model:1000', `meta_000200.json:meta:${metaBytes(200, 0.95)}`, 'optim_000200_rank0.pt:optimizer:2000', 'optim_000200_rank1.pt:optimizer:2000'],
              metrics: { val_bpb: 0.95 },
              best: true,
            },
            {
              name: 'step 000300',
              step: 300,
              files: ['model_000300.pt:model:1000', `meta_000300.json:meta:${metaBytes(300, 1.05)}`],
              metrics: { val_bpb: 1.05 },
              best: false,
            },
          ],
        },
        {
          kind: 'base',
          tag: 'd10',
          dir: 'base_checkpoints/d10',
          bytes: 500,
          modelBytes: 500,
          optimizerBytes: 0,
          checkpoints: [{ name: 'step 000050', step: 50, files: ['model_000050.pt:model:500'], metrics: {}, best: false }],
        },
        {
          kind: 'mid',
          tag: 'd2',
          dir: 'mid_checkpoints/d2',
          bytes: 1000,
          modelBytes: 1000,
          optimizerBytes: 0,
          checkpoints: [{ name: 'step 000010', step: 10, files: ['model_000010.pt:model:1000'], metrics: {}, best: false }],
        },
        {
          kind: 'rl',
          tag: 'd2',
          dir: 'chatrl_checkpoints/d2',
          bytes: 1026,
          modelBytes: 1000,
          optimizerBytes: 0,
          checkpoints: [{ name: 'step 000005', step: 5, files: ['model_000005.pt:model:1000', 'meta_000005.json:meta:26'], metrics: {}, best: false }],
        },
      ],
    });
    assert.deepEqual(listing.warnings, [
      `${join(root, 'chatrl_checkpoints/d2/meta_000005.json')}: not valid JSON (truncated or still being written); its metrics are skipped`,
    ]);
  } finally {
    await cleanup();
  }
});

test('a nanochat home also lists the other checkpoint folders in it, after its kinds, but not its tokenizer', async () => {
  const { root, cleanup } = await makeTree({
    'base_checkpoints/d2/model_000100.pt': 1000,
    'checkpoints/best.pt': 300,
    'experiments/a/ckpt_200.pt': 400,
    'tokenizer/token_bytes.pt': 50,
    'tokenizer/tokenizer.pkl': 50,
    'base_data/shard_00000.parquet': 10,
    'loose.pt': 20,
  });
  try {
    const listing = await listRoot(root);
    assert.equal(listing.layout, 'nanochat');
    assert.deepEqual(
      listing.runs.map((r) => [r.kind, r.tag, r.checkpoints.map((c) => c.name)]),
      [
        ['base', 'd2', ['step 000100']],
        ['folder', '.', ['loose.pt']],
        ['folder', 'checkpoints', ['best.pt']],
        ['folder', 'experiments/a', ['ckpt_200.pt']],
      ],
    );
  } finally {
    await cleanup();
  }
});

test('the nanochat home comes from the setting, else $NANOCHAT_BASE_DIR, else ~/.cache/nanochat', () => {
  assert.equal(resolveNanochatHome('/data/nc', { NANOCHAT_BASE_DIR: '/env' }, '/home/u'), '/data/nc');
  assert.equal(resolveNanochatHome('~/nc', {}, '/home/u'), '/home/u/nc');
  assert.equal(resolveNanochatHome('', { NANOCHAT_BASE_DIR: '/env' }, '/home/u'), '/env');
  assert.equal(resolveNanochatHome(undefined, {}, '/home/u'), '/home/u/.cache/nanochat');
});

// --- plain folders ---

const trainerState = (step: number, evalLoss: number, best: string): string =>
  JSON.stringify({ global_step: step, best_model_checkpoint: best, log_history: [{ step, loss: evalLoss + 0.5 }, { step, eval_loss: evalLoss }] });

const WORKSPACE: TreeSpec = {
  'checkpoints/best.pt': 300,
  'checkpoints/last.pt': 300,
  'checkpoints/epoch_1.pt': 300,
  'checkpoints/epoch_2.pt': 300,
  'out/ckpt.pt': 700,
  'lightning/epoch=1-step=20.ckpt': 400,
  'hf/checkpoint-100/trainer_state.json': trainerState(100, 1.5, 'hf/checkpoint-100'),
  'hf/checkpoint-100/pytorch_model.bin': 600,
  'hf/checkpoint-100/optimizer.pt': 1200,
  'hf/checkpoint-200/trainer_state.json': trainerState(200, 1.4, 'hf/checkpoint-100'),
  'hf/checkpoint-200/model.safetensors': 600,
  'data/train.bin': 5000,
  'node_modules/pkg/model.pt': 10,
  '.git/objects/x.pt': 10,
  'a/b/c/d/e/deep.pt': 10,
  'src/train.py': 'print(1)',
};

test('a folder lists every directory that holds checkpoints, a few levels deep', async () => {
  const { root, cleanup } = await makeTree(WORKSPACE);
  try {
    const listing = await listRoot(root, { scanDepth: 4 });
    const ts = (s: number, l: number): number => Buffer.byteLength(trainerState(s, l, 'hf/checkpoint-100'));
    assert.deepEqual(shape(listing), {
      layout: 'folder',
      runs: [
        {
          kind: 'folder',
          tag: 'checkpoints',
          dir: 'checkpoints',
          bytes: 1200,
          modelBytes: 0,
          optimizerBytes: 0,
          checkpoints: [
            { name: 'epoch_1.pt', step: null, epoch: 1, files: ['epoch_1.pt:full:300'], metrics: {}, best: false },
            { name: 'epoch_2.pt', step: null, epoch: 2, files: ['epoch_2.pt:full:300'], metrics: {}, best: false },
            { name: 'best.pt', step: null, files: ['best.pt:full:300'], metrics: {}, best: true },
            { name: 'last.pt', step: null, files: ['last.pt:full:300'], metrics: {}, best: false },
          ],
        },
        {
          kind: 'folder',
          tag: 'hf',
          dir: 'hf',
          bytes: 2400 + ts(100, 1.5) + ts(200, 1.4),
          modelBytes: 1200,
          optimizerBytes: 1200,
          primaryMetric: { name: 'eval_loss', lowerIsBetter: true },
          checkpoints: [
            {
              name: 'checkpoint-100',
              step: 100,
              files: ['optimizer.pt:optimizer:1200', 'pytorch_model.bin:model:600', `trainer_state.json:meta:${ts(100, 1.5)}`],
              metrics: { loss: 2, eval_loss: 1.5 },
              best: true,
            },
            {
              name: 'checkpoint-200',
              step: 200,
              files: ['model.safetensors:model:600', `trainer_state.json:meta:${ts(200, 1.4)}`],
              metrics: { loss: 1.9, eval_loss: 1.4 },
              best: false,
            },
          ],
        },
        {
          kind: 'folder',
          tag: 'lightning',
          dir: 'lightning',
          bytes: 400,
          modelBytes: 0,
          optimizerBytes: 0,
          checkpoints: [{ name: 'epoch=1-step=20.ckpt', step: 20, epoch: 1, files: ['epoch=1-step=20.ckpt:full:400'], metrics: {}, best: false }],
        },
        {
          kind: 'folder',
          tag: 'out',
          dir: 'out',
          bytes: 700,
          modelBytes: 0,
          optimizerBytes: 0,
          checkpoints: [{ name: 'ckpt.pt', step: null, files: ['ckpt.pt:full:700'], metrics: {}, best: false }],
        },
      ],
    });
    assert.deepEqual(listing.warnings, []);
    // One level deeper reaches a/b/c/d/e.
    const deeper = await listRoot(root, { scanDepth: 5 });
    assert.deepEqual(deeper.runs.map((r) => r.tag), ['a/b/c/d/e', 'checkpoints', 'hf', 'lightning', 'out']);
  } finally {
    await cleanup();
  }
});

test('a folder that is itself a run is tagged "."', async () => {
  const { root, cleanup } = await makeTree({ 'model_000001.pt': 10, 'meta_000001.json': meta(1, 2) });
  try {
    const listing = await listRoot(root, { scanDepth: 0 });
    assert.deepEqual(listing.runs.map((r) => [r.kind, r.tag, r.dir, r.checkpoints.map((c) => c.step)]), [['folder', '.', root, [1]]]);
  } finally {
    await cleanup();
  }
});

// --- nothing breaks it ---

test('missing roots, file roots, empty and half-written files do not throw', async () => {
  const { root, cleanup } = await makeTree({
    'run/model_000010.pt': 0,
    'run/meta_000010.json': '',
    'run/optim_000020_rank0.pt': 100,
    'run/meta_000020.json': 'not json at all',
    'file.pt': 5,
  });
  try {
    assert.deepEqual(await listRoot(join(root, 'nope')), { root: join(root, 'nope'), layout: 'folder', exists: false, runs: [], warnings: [] });
    assert.deepEqual((await listRoot(join(root, 'file.pt'))).warnings, [`${join(root, 'file.pt')}: a file, not a folder`]);
    const listing = await listRoot(root);
    const run = listing.runs.find((r) => r.tag === 'run');
    assert.deepEqual(
      run?.checkpoints.map((c) => [c.step, c.mainFile !== null, c.metrics, c.incomplete]),
      [
        [10, true, {}, 'model_000010.pt is empty (still being written, or an interrupted save)'],
        [20, false, {}, 'no model_000020.pt'],
      ],
    );
    assert.deepEqual(listing.warnings, [
      `${join(root, 'run/meta_000010.json')}: empty file; its metrics are skipped`,
      `${join(root, 'run/meta_000020.json')}: not valid JSON (truncated or still being written); its metrics are skipped`,
    ]);
  } finally {
    await cleanup();
  }
});

test('symlink loops and aliases are listed once and end', async () => {
  const { root, cleanup } = await makeTree({ 'runs/a/best.pt': 10 });
  try {
    await symlink(root, join(root, 'runs/a/loop'));
    await symlink(join(root, 'runs/a'), join(root, 'alias'));
    await symlink(join(root, 'gone'), join(root, 'runs/dangling.pt'));
    const listing = await listRoot(root, { scanDepth: 12 });
    assert.equal(listing.runs.length, 1);
    assert.equal(listing.runs[0]?.checkpoints.length, 1);
    assert.ok(listing.runs[0]?.tag === 'alias' || listing.runs[0]?.tag === 'runs/a');
    assert.ok(listing.warnings.length >= 1);
    assert.ok(listing.warnings.every((w) => w.endsWith('already listed through another path (symlink loop or alias); skipped')));
  } finally {
    await cleanup();
  }
});

test('an unreadable folder is a warning, the rest is still listed', { skip: process.getuid?.() === 0 ? 'root reads every folder' : false }, async () => {
  const { root, cleanup } = await makeTree({ 'ok/best.pt': 10, 'locked/x.pt': 10 });
  try {
    await chmod(join(root, 'locked'), 0o000);
    const listing = await listRoot(root);
    assert.deepEqual(listing.runs.map((r) => r.tag), ['ok']);
    assert.match(listing.warnings[0] ?? '', /locked: cannot read \(EACCES\)/);
  } finally {
    await chmod(join(root, 'locked'), 0o755);
    await cleanup();
  }
});

test('a second listing with the cache reads no unchanged sidecar', async () => {
  const { root, cleanup } = await makeTree(NANOCHAT);
  try {
    const cache = createSidecarCache();
    const first = await listRoot(root, { cache });
    const cached = cache.size;
    // Change a meta behind the cache's back, keeping size and mtime: the cached value wins.
    const path = join(root, 'base_checkpoints/d2/meta_000100.json');
    await writeFile(path, meta(100, 9.99));
    await utimes(path, 1_700_000_000 + 60, 1_700_000_000 + 60);
    const second = await listRoot(root, { cache });
    assert.equal(cached, 4);
    assert.equal(cache.size, 4);
    assert.deepEqual(shape(second), shape(first));
  } finally {
    await cleanup();
  }
});

test("a nanochat step's shards are its model file and each rank's optimizer file; a missing rank makes it incomplete", async () => {
  const { root, cleanup } = await makeTree({
    'base_checkpoints/d2/model_000100.pt': 1000,
    'base_checkpoints/d2/optim_000100_rank0.pt': 2000,
    'base_checkpoints/d2/optim_000100_rank1.pt': 2000,
    'base_checkpoints/d2/model_000200.pt': 1000,
    'base_checkpoints/d2/optim_000200_rank0.pt': 2000,
    'base_checkpoints/d2/optim_000200_rank2.pt': 2000,
    'base_checkpoints/d2/model_000300.pt': 1000,
    'base_checkpoints/d2/optim_000400_rank0.pt': 2000,
  });
  try {
    const [run] = (await listRoot(root)).runs;
    assert.deepEqual(
      run?.checkpoints.map((c) => [c.step, c.shards, c.incomplete]),
      [
        [100, 3, undefined],
        [200, 3, 'no optim_000200_rank1.pt (every rank from 0 saves one)'],
        [300, undefined, undefined],
        [400, undefined, 'no model_000400.pt'],
      ],
    );
    const details = checkpointTooltip(run!.checkpoints[0]!);
    assert.ok(details.includes("- shards: 3 (the model file and one optimizer file per rank, opened together from the step's row)"), details);
    // A screen reader hears the shard count the row's description shows.
    assert.match(checkpointAriaLabel(run!.checkpoints[0]!), /, \d+(\.\d+)? KiB in 3 shards$/);
  } finally {
    await cleanup();
  }
});

test('the table shows tag, location, count, size, latest, steps and best', async () => {
  const { root, cleanup } = await makeTree(NANOCHAT);
  try {
    const table = renderListingTable(await listRoot(root));
    const lines = table.split('\n');
    assert.equal(lines[0], `${root} (nanochat home)`);
    // Steps 100 and 200 each open as a model file and two ranks' optimizer files.
    assert.equal(lines[2], 'KIND  TAG  LOCATION               COUNT  SHARDS       SIZE      LATEST  STEPS          BEST');
    assert.match(lines[3] ?? '', /^base {2}d2 {3}base_checkpoints\/d2 {4}3 {6}6 in 2 sets {2}\d+\.\d+ KiB +300 {5}100, 200, 300 {2}step 200 \(val_bpb 0\.95\)$/);
    assert.match(lines[4] ?? '', /^base {2}d10 {2}base_checkpoints\/d10 {3}1 {6}- /);
    assert.ok(table.includes('Skipped:\n'));
  } finally {
    await cleanup();
  }
});

test('the table names single-file checkpoints plainly, not "full"', async () => {
  const { root, cleanup } = await makeTree(WORKSPACE);
  try {
    const lines = renderListingTable(await listRoot(root)).split('\n');
    const storage = lines.slice(lines.indexOf('Storage:') + 1);
    assert.match(storage[0] ?? '', /^ +MODEL +OPTIMIZER +SINGLE-FILE +OTHER +TOTAL$/);
    assert.ok(storage.includes('  SINGLE-FILE: checkpoints saved as one file, model and optimizer together (not told apart without opening them)'));
    assert.doesNotMatch(lines.join('\n'), /FULL/);
  } finally {
    await cleanup();
  }
});

test('a Hugging Face checkpoint folder holding a sharded set opens through its index', async () => {
  const { root, cleanup } = await makeTree({
    'hf/checkpoint-10/model-00001-of-00002.safetensors': 100,
    'hf/checkpoint-10/model-00002-of-00002.safetensors': 100,
    'hf/checkpoint-10/model.safetensors.index.json': '{"weight_map": {}}',
    'hf/checkpoint-20/model.safetensors': 100,
    'hf/checkpoint-20/model.safetensors.index.json': '{"weight_map": {}}',
  });
  try {
    const listing = await listRoot(root, { scanDepth: 2 });
    const run = listing.runs.find((r) => r.checkpoints.length === 2);
    assert.deepEqual(run?.checkpoints.map((c) => [c.step, c.mainFile?.slice(root.length + 1)]), [
      [10, 'hf/checkpoint-10/model.safetensors.index.json'],
      // A single model file is still the one to open.
      [20, 'hf/checkpoint-20/model.safetensors'],
    ]);
  } finally {
    await cleanup();
  }
});
