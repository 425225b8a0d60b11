// The other side of a comparison, offered from the tree: grouped by run, the checkpoint's own run
// first with its nearest steps first; and the pair Compare with Previous Step takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCandidates, previousStepPair } from '../../src/core/listing/comparePicks';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import type { CheckpointEntry, RootListing, RunListing } from '../../src/core/listing/listingTypes';

function step(dir: string, n: number | null, name = `step ${String(n).padStart(6, '0')}`): CheckpointEntry {
  const file = n === null ? `${dir}/${name}` : `${dir}/model_${String(n).padStart(6, '0')}.pt`;
  return { name, layout: n === null ? 'file' : 'nanochat', step: n, mainFile: file, path: file, files: [{ path: file, name: file.split('/').pop()!, role: 'model', bytes: 1024, mtimeMs: 0 }], bytes: 1024, modelBytes: 1024, optimizerBytes: 0, mtimeMs: 0, metrics: {}, best: false };
}

function run(kind: RunListing['kind'], tag: string, dir: string, checkpoints: CheckpointEntry[]): RunListing {
  return { kind, tag, dir, checkpoints, bytes: 1024 * checkpoints.length, modelBytes: 1024 * checkpoints.length, optimizerBytes: 0 };
}

const BASE = '/h/base_checkpoints/d4';
const SFT = '/h/chatsft_checkpoints/d4';
const home: RootListing = {
  root: '/h',
  layout: 'nanochat',
  exists: true,
  warnings: [],
  runs: [run('base', 'd4', BASE, [100, 200, 300, 400, 500].map((n) => step(BASE, n))), run('sft', 'd4', SFT, [step(SFT, 25), step(SFT, 50)])],
};
const work: RootListing = { root: '/w', layout: 'folder', exists: true, warnings: [], runs: [run('folder', 'checkpoints', '/w/checkpoints', [step('/w/checkpoints', null, 'best.pt')])] };
const tree = buildTree([{ listing: home, label: 'nanochat home' }, { listing: work, label: 'workspace' }]);
const model = (dir: string, n: number): string => `${dir}/model_${String(n).padStart(6, '0')}.pt`;

test("the checkpoint's own run comes first, nearest steps first (earlier first at a tie), then the other runs in tree order", () => {
  const groups = compareCandidates(tree, model(SFT, 50));
  assert.deepEqual(groups.map((g) => [g.run, g.candidates.map((c) => c.path)]), [
    ['SFT · d4', [model(SFT, 25)]],
    ['Base · d4', [100, 200, 300, 400, 500].map((n) => model(BASE, n))],
    ['workspace · checkpoints', ['/w/checkpoints/best.pt']],
  ]);
  const inBase = compareCandidates(tree, model(BASE, 300))[0]!;
  assert.equal(inBase.run, 'Base · d4');
  assert.deepEqual(inBase.candidates.map((c) => c.step), [200, 400, 100, 500]);
});

test('without a checkpoint of its own (the palette), every run in tree order', () => {
  assert.deepEqual(compareCandidates(tree, undefined).map((g) => g.run), ['Base · d4', 'SFT · d4', 'workspace · checkpoints']);
});

test('Compare with Previous Step: a run compares its last two, a step the one before it, the first step has none', () => {
  const nodes = flattenTree(tree).map((n) => n.node);
  const base = nodes.find((n) => n.type === 'run' && n.path === BASE)!;
  assert.deepEqual(previousStepPair(base), [model(BASE, 400), model(BASE, 500)]);
  const [first, second] = base.children;
  assert.deepEqual(previousStepPair(base, second), [model(BASE, 100), model(BASE, 200)]);
  assert.equal(previousStepPair(base, first), undefined);
  const single = nodes.find((n) => n.type === 'run' && n.path === '/w/checkpoints')!;
  assert.equal(previousStepPair(single), undefined);
});

test('a nanochat step with optimizer files is compared whole, through its meta file, and found by either file', () => {
  const dir = '/h/base_checkpoints/d8';
  const whole = (n: number): CheckpointEntry => {
    const c = step(dir, n);
    const s = String(n).padStart(6, '0');
    c.files.push({ path: `${dir}/meta_${s}.json`, name: `meta_${s}.json`, role: 'meta', bytes: 10, mtimeMs: 0 }, { path: `${dir}/optim_${s}_rank0.pt`, name: `optim_${s}_rank0.pt`, role: 'optimizer', bytes: 10, mtimeMs: 0, rank: 0 });
    return c;
  };
  const meta = (n: number): string => `${dir}/meta_${String(n).padStart(6, '0')}.json`;
  const listing: RootListing = { root: '/h', layout: 'nanochat', exists: true, warnings: [], runs: [run('base', 'd8', dir, [whole(100), whole(200), whole(300)])] };
  const steps = buildTree([{ listing, label: 'nanochat home' }]);
  for (const opened of [meta(200), model(dir, 200)]) {
    assert.deepEqual(compareCandidates(steps, opened).map((g) => g.candidates.map((c) => c.path)), [[meta(100), meta(300)]], opened);
  }
  const base = flattenTree(steps).map((n) => n.node).find((n) => n.type === 'run')!;
  assert.deepEqual(previousStepPair(base), [meta(200), meta(300)]);
});
