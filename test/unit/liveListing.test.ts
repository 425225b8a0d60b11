import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { LiveListing } from '../../src/core/listing/liveListing';
import { planRelist } from '../../src/core/listing/relistPlan';
import type { ListedRoot, RelistPlan } from '../../src/core/listing/relistPlan';
import { createSidecarCache } from '../../src/core/listing/sidecars';
import { makeTree, writeTree } from './support/tempTree';
import type { TreeSpec } from './support/tempTree';

const meta = (step: number, valBpb: number): string => JSON.stringify({ step, val_bpb: valBpb });

const HOME: TreeSpec = {
  'base_checkpoints/d2/model_000100.pt': 100,
  'base_checkpoints/d2/meta_000100.json': meta(100, 1.2),
  'base_checkpoints/d4/model_000100.pt': 100,
  'base_checkpoints/d4/meta_000100.json': meta(100, 1.1),
  'chatsft_checkpoints/d4/model_000010.pt': 100,
  'checkpoints/best.pt': 30,
};

const WORKSPACE: TreeSpec = {
  'checkpoints/best.pt': 30,
  'runs/exp1/last.pt': 30,
  'runs/exp2/last.pt': 30,
  'hf/checkpoint-100/model.safetensors': 60,
  'hf/checkpoint-100/trainer_state.json': JSON.stringify({ global_step: 100, log_history: [{ step: 100, eval_loss: 1.5 }] }),
  'src/train.py': 'print(1)',
};

/** After `change` on disk and `apply(paths)`, the live listing equals a fresh one; returns the plan. */
async function applyAndCompare(live: LiveListing, root: string, paths: string[]): Promise<RelistPlan> {
  const { changed, ...plan } = await live.apply(paths.map((p) => join(root, p)));
  assert.deepEqual(live.listing, await listRoot(root), 'the relisted listing equals a fresh full listing');
  assert.equal(changed, true);
  return plan;
}

const runsByDir = (live: LiveListing): Map<string, unknown> => new Map(live.listing.runs.map((r) => [r.dir, r]));

test('a new step relists its tag only: every other run is kept as the same object', async () => {
  const { root, cleanup } = await makeTree(HOME);
  try {
    const live = await LiveListing.create(root, { cache: createSidecarCache() });
    const before = runsByDir(live);
    await writeTree(root, { 'base_checkpoints/d4/model_000200.pt': 100, 'base_checkpoints/d4/meta_000200.json': meta(200, 0.9) }, 1_800_000_000);
    const plan = await applyAndCompare(live, root, ['base_checkpoints/d4/model_000200.pt', 'base_checkpoints/d4/meta_000200.json']);
    assert.deepEqual(plan, { full: false, runs: [join(root, 'base_checkpoints/d4')], subtrees: [] });
    const after = runsByDir(live);
    for (const [dir, run] of after) {
      assert.equal(run === before.get(dir), dir !== join(root, 'base_checkpoints/d4'), dir);
    }
    assert.deepEqual(live.listing.runs.find((r) => r.tag === 'd4' && r.kind === 'base')?.checkpoints.map((c) => [c.step, c.best]), [
      [100, false],
      [200, true],
    ]);
  } finally {
    await cleanup();
  }
});

test('tags, checkpoint-N folders and run folders that appear or go are relisted without a full walk', async () => {
  const { root, cleanup } = await makeTree(WORKSPACE);
  try {
    const live = await LiveListing.create(root);
    // A new Hugging Face checkpoint folder belongs to the run that holds it.
    await writeTree(root, { 'hf/checkpoint-200/model.safetensors': 60 }, 1_800_000_000);
    assert.deepEqual(await applyAndCompare(live, root, ['hf/checkpoint-200']), { full: false, runs: [join(root, 'hf')], subtrees: [] });
    // A new run folder two levels down.
    await writeTree(root, { 'runs/exp3/epoch_1.pt': 30 }, 1_800_001_000);
    assert.deepEqual(await applyAndCompare(live, root, ['runs/exp3/epoch_1.pt']), { full: false, runs: [join(root, 'runs/exp3')], subtrees: [] });
    // A deleted run folder comes as one event for the folder.
    await rm(join(root, 'runs/exp1'), { recursive: true });
    assert.equal(live.holds(join(root, 'runs/exp1')), true);
    assert.deepEqual(await applyAndCompare(live, root, ['runs/exp1']), { full: false, runs: [], subtrees: [join(root, 'runs/exp1')] });
    // A folder of runs moved in, or deleted, is walked again as a whole.
    await rename(join(root, 'runs'), join(root, 'old-runs'));
    assert.deepEqual(await applyAndCompare(live, root, ['runs', 'old-runs']), { full: false, runs: [], subtrees: [join(root, 'old-runs'), join(root, 'runs')] });
    assert.deepEqual(
      live.listing.runs.map((r) => r.tag),
      ['checkpoints', 'hf', 'old-runs/exp2', 'old-runs/exp3'],
    );
  } finally {
    await cleanup();
  }
});

test('a nanochat tag that appears or is deleted relists that tag; a new kind folder relists the root', async () => {
  const { root, cleanup } = await makeTree(HOME);
  try {
    const live = await LiveListing.create(root);
    await writeTree(root, { 'base_checkpoints/d99/model_000050.pt': 10 }, 1_800_000_000);
    assert.deepEqual(await applyAndCompare(live, root, ['base_checkpoints/d99']), { full: false, runs: [join(root, 'base_checkpoints/d99')], subtrees: [] });
    await rm(join(root, 'base_checkpoints/d2'), { recursive: true });
    assert.deepEqual(await applyAndCompare(live, root, ['base_checkpoints/d2']), { full: false, runs: [join(root, 'base_checkpoints/d2')], subtrees: [] });
    assert.deepEqual(live.listing.runs.map((r) => `${r.kind}:${r.tag}`), ['base:d4', 'base:d99', 'sft:d4', 'folder:checkpoints']);
    await mkdir(join(root, 'mid_checkpoints/d4'), { recursive: true });
    assert.deepEqual((await applyAndCompare(live, root, ['mid_checkpoints'])).full, true);
  } finally {
    await cleanup();
  }
});

test('a folder root that gains a kind folder becomes a nanochat home', async () => {
  const { root, cleanup } = await makeTree(WORKSPACE);
  try {
    const live = await LiveListing.create(root);
    assert.equal(live.listing.layout, 'folder');
    await writeTree(root, { 'base_checkpoints/d2/model_000001.pt': 10 }, 1_800_000_000);
    const plan = await applyAndCompare(live, root, ['base_checkpoints/d2/model_000001.pt']);
    assert.equal(plan.full, true);
    assert.equal(live.listing.layout, 'nanochat');
  } finally {
    await cleanup();
  }
});

test('a change seen through the real path of a folder listed through a symlink updates that one run', async () => {
  const { root, cleanup } = await makeTree({ 'runs/a/best.pt': 10 });
  try {
    await symlink(join(root, 'runs/a'), join(root, 'alias'));
    const live = await LiveListing.create(root);
    const tags = live.listing.runs.map((r) => r.tag);
    assert.equal(tags.length, 1);
    await writeTree(root, { 'runs/a/last.pt': 20 }, 1_800_000_000);
    await applyAndCompare(live, root, ['runs/a/last.pt', 'alias/last.pt']);
    assert.deepEqual(live.listing.runs.map((r) => [r.tag, r.checkpoints.map((c) => c.name)]), [[tags[0], ['best.pt', 'last.pt']]]);
  } finally {
    await cleanup();
  }
});

test('changes the listing never reads relist nothing', async () => {
  const { root, cleanup } = await makeTree(WORKSPACE);
  try {
    const live = await LiveListing.create(root, { scanDepth: 2 });
    const before = live.listing;
    await writeTree(root, { '.git/objects/x.pt': 10, 'node_modules/pkg/model.pt': 10, 'a/b/c/deep.pt': 10, 'hf/checkpoint-100/global_step100/mp_rank_00.pt': 10, 'logs/': 0 }, 1_800_000_000);
    const plan = await live.apply(['.git/objects/x.pt', 'node_modules/pkg/model.pt', 'a/b/c/deep.pt', 'hf/checkpoint-100/global_step100/mp_rank_00.pt'].map((p) => join(root, p)));
    assert.deepEqual(plan, { full: false, runs: [], subtrees: [], changed: false });
    // A new folder is walked, and found to hold nothing: nothing changed.
    assert.deepEqual(await live.apply([join(root, 'logs')]), { full: false, runs: [], subtrees: [join(root, 'logs')], changed: false });
    assert.equal(live.listing, before, 'the same listing object: nothing was rebuilt');
    assert.equal(live.holds(join(root, 'src')), false);
  } finally {
    await cleanup();
  }
});

test('the plan: paths to runs, folders to walks, kind folders and the root itself to a full relist', () => {
  const root = '/r';
  const home: ListedRoot = { root, layout: 'nanochat', exists: true, depth: 4, runDirs: ['/r/base_checkpoints/d4', '/r/checkpoints'] };
  const plan = (listed: ListedRoot, ...paths: string[]): RelistPlan => planRelist(listed, paths);
  assert.deepEqual(plan(home, '/r/base_checkpoints/d4/model_000100.pt', '/r/base_checkpoints/d4/meta_000100.json'), { full: false, runs: ['/r/base_checkpoints/d4'], subtrees: [] });
  assert.deepEqual(plan(home, '/r/base_checkpoints/d9'), { full: false, runs: ['/r/base_checkpoints/d9'], subtrees: [] });
  assert.deepEqual(plan(home, '/r/base_checkpoints/stray.pt'), { full: false, runs: [], subtrees: [] });
  assert.deepEqual(plan(home, '/r/checkpoints/best.pt'), { full: false, runs: ['/r/checkpoints'], subtrees: [] });
  assert.deepEqual(plan(home, '/r/checkpoints'), { full: false, runs: [], subtrees: ['/r/checkpoints'] });
  assert.deepEqual(plan(home, '/r/tokenizer/token_bytes.pt'), { full: false, runs: [], subtrees: [] });
  assert.deepEqual(plan(home, '/elsewhere/model.pt'), { full: false, runs: [], subtrees: [] });
  assert.deepEqual(plan(home, '/r/chatrl_checkpoints').full, true);
  assert.deepEqual(plan(home, '/r').full, true);
  const folder: ListedRoot = { root, layout: 'folder', exists: true, depth: 2, runDirs: ['/r/hf', '/r/runs/a'] };
  assert.deepEqual(plan(folder, '/r/hf/checkpoint-300', '/r/hf/checkpoint-200/trainer_state.json'), { full: false, runs: ['/r/hf'], subtrees: [] });
  assert.deepEqual(plan(folder, '/r/runs', '/r/runs/a/x.pt'), { full: false, runs: [], subtrees: ['/r/runs'] });
  assert.deepEqual(plan(folder, '/r/x/y/z/deep.pt', '/r/data/train.bin', '/r/runs/config.json'), { full: false, runs: [], subtrees: [] });
  assert.deepEqual(plan(folder, '/r/base_checkpoints').full, true);
  assert.deepEqual(plan({ ...folder, exists: false }, '/r/hf/x.pt').full, true);
});
