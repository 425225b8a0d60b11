import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import type { CheckpointEntry, RootListing, RunListing } from '../../src/core/listing/listingTypes';
import { storageUsage } from '../../src/core/listing/storageUsage';

const MiB = 1024 * 1024;

function nanochatStep(dir: string, step: number, valBpb: number | undefined, best: boolean): CheckpointEntry {
  const s = String(step).padStart(6, '0');
  return {
    name: `step ${s}`,
    layout: 'nanochat',
    step,
    mainFile: `${dir}/model_${s}.pt`,
    path: `${dir}/model_${s}.pt`,
    files: [
      { path: `${dir}/model_${s}.pt`, name: `model_${s}.pt`, role: 'model', bytes: 10 * MiB, mtimeMs: 0 },
      { path: `${dir}/meta_${s}.json`, name: `meta_${s}.json`, role: 'meta', bytes: 1024, mtimeMs: 0 },
      { path: `${dir}/optim_${s}_rank0.pt`, name: `optim_${s}_rank0.pt`, role: 'optimizer', bytes: 20 * MiB, mtimeMs: 0, rank: 0 },
    ],
    bytes: 30 * MiB + 1024,
    modelBytes: 10 * MiB,
    optimizerBytes: 20 * MiB,
    mtimeMs: 0,
    metrics: valBpb === undefined ? {} : { val_bpb: valBpb },
    best,
  };
}

function run(kind: RunListing['kind'], tag: string, dir: string, checkpoints: CheckpointEntry[]): RunListing {
  return {
    kind,
    tag,
    dir,
    checkpoints,
    bytes: checkpoints.reduce((n, c) => n + c.bytes, 0),
    modelBytes: checkpoints.reduce((n, c) => n + c.modelBytes, 0),
    optimizerBytes: checkpoints.reduce((n, c) => n + c.optimizerBytes, 0),
    ...(checkpoints.some((c) => c.metrics.val_bpb !== undefined) ? { primaryMetric: { name: 'val_bpb', lowerIsBetter: true } } : {}),
  };
}

const HOME = '/h/nanochat';
const D4 = `${HOME}/base_checkpoints/d4`;
const home: RootListing = {
  root: HOME,
  layout: 'nanochat',
  exists: true,
  warnings: [],
  runs: [
    run('base', 'd4', D4, [nanochatStep(D4, 100, 0.9, false), nanochatStep(D4, 200, 0.8, true)]),
    run('sft', 'd4', `${HOME}/chatsft_checkpoints/d4`, [nanochatStep(`${HOME}/chatsft_checkpoints/d4`, 5, undefined, false)]),
  ],
};

const best: CheckpointEntry = {
  name: 'best.pt',
  layout: 'file',
  step: null,
  mainFile: '/w/checkpoints/best.pt',
  path: '/w/checkpoints/best.pt',
  files: [{ path: '/w/checkpoints/best.pt', name: 'best.pt', role: 'full', bytes: 2048, mtimeMs: 0 }],
  bytes: 2048,
  modelBytes: 0,
  optimizerBytes: 0,
  mtimeMs: 0,
  metrics: {},
  best: true,
};
const workspace: RootListing = { root: '/w', layout: 'folder', exists: true, warnings: [], runs: [run('folder', 'checkpoints', '/w/checkpoints', [best])] };
const empty: RootListing = { root: '/e', layout: 'folder', exists: true, warnings: [], runs: [] };

test('the tree: root → kind → tag → step → files for nanochat, root → folder → file elsewhere, storage last', () => {
  const nodes = buildTree([
    { listing: home, label: 'nanochat home' },
    { listing: workspace, label: 'w' },
    { listing: empty, label: 'e' },
  ]);
  const rows = flattenTree(nodes).map(({ depth, node }) => `${'  '.repeat(depth)}${node.label} | ${node.description ?? ''} | ${node.contextValue} | ${node.icon}`);
  assert.deepEqual(rows, [
    'nanochat home | 3 checkpoints · 90.0 MiB | root.nanochat | home',
    '  Base | 1 tag · 2 checkpoints · 60.0 MiB | kind | layers',
    '    d4 | 2 checkpoints · 60.0 MiB · latest 200 · best val_bpb 0.8 @ 200 | run.nanochat | folder-library',
    '      step 000100 | 30.0 MiB · val_bpb 0.9 | checkpoint.nanochat | package',
    '        model_000100.pt | 10.0 MiB · model | checkpointFile | file-binary',
    '        meta_000100.json | 1.00 KiB · meta | checkpointFile.json | json',
    '        optim_000100_rank0.pt | 20.0 MiB · optimizer rank 0 | checkpointFile | file-binary',
    '      step 000200 | 30.0 MiB · val_bpb 0.8 · ★ best | checkpoint.nanochat.best | star-full',
    '        model_000200.pt | 10.0 MiB · model | checkpointFile | file-binary',
    '        meta_000200.json | 1.00 KiB · meta | checkpointFile.json | json',
    '        optim_000200_rank0.pt | 20.0 MiB · optimizer rank 0 | checkpointFile | file-binary',
    '  SFT | 1 tag · 1 checkpoint · 30.0 MiB | kind | layers',
    '    d4 | 1 checkpoint · 30.0 MiB · latest 5 | run.nanochat | folder-library',
    '      step 000005 | 30.0 MiB | checkpoint.nanochat | package',
    '        model_000005.pt | 10.0 MiB · model | checkpointFile | file-binary',
    '        meta_000005.json | 1.00 KiB · meta | checkpointFile.json | json',
    '        optim_000005_rank0.pt | 20.0 MiB · optimizer rank 0 | checkpointFile | file-binary',
    '  Storage usage | 90.0 MiB (model 30.0 MiB, optimizer 60.0 MiB, other 3.00 KiB) | storage | database',
    '    Base | 60.0 MiB (model 20.0 MiB, optimizer 40.0 MiB, other 2.00 KiB) | storageRow | layers',
    '      d4 | 60.0 MiB (model 20.0 MiB, optimizer 40.0 MiB, other 2.00 KiB) | storageRow | circle-small-filled',
    '    SFT | 30.0 MiB (model 10.0 MiB, optimizer 20.0 MiB, other 1.00 KiB) | storageRow | layers',
    '      d4 | 30.0 MiB (model 10.0 MiB, optimizer 20.0 MiB, other 1.00 KiB) | storageRow | circle-small-filled',
    'w | 1 checkpoint · 2.00 KiB | root.folder | root-folder',
    '  checkpoints | 1 checkpoint · 2.00 KiB · best best.pt | run.folder | folder-library',
    '    best.pt | 2.00 KiB · ★ best | checkpoint.file.best | star-full',
    '  Storage usage | 2.00 KiB (full 2.00 KiB) | storage | database',
    '    checkpoints | 2.00 KiB (full 2.00 KiB) | storageRow | circle-small-filled',
  ]);
});

test('checkpoint nodes carry what inspect, reveal and the tests need', () => {
  const [root] = buildTree([{ listing: home, label: 'nanochat home' }]);
  const bestNode = flattenTree([root!]).find(({ node }) => node.contextValue === 'checkpoint.nanochat.best')?.node;
  assert.deepEqual(
    { id: bestNode?.id, path: bestNode?.path, openPath: bestNode?.openPath, data: bestNode?.data, iconColor: bestNode?.iconColor },
    {
      id: `root:${HOME}/kind:base/run:d4/step 000200`,
      path: `${D4}/model_000200.pt`,
      openPath: `${D4}/model_000200.pt`,
      data: { kind: 'base', tag: 'd4', step: 200, bytes: 30 * MiB + 1024, metrics: { val_bpb: 0.8 }, best: true },
      iconColor: 'charts.yellow',
    },
  );
});

test('roots with nothing found are left out (so the welcome view shows), unless the user added them', () => {
  assert.deepEqual(buildTree([{ listing: empty, label: 'e' }]), []);
  const [node] = buildTree([{ listing: empty, label: 'e', showWhenEmpty: true }]);
  assert.deepEqual(node?.children.map((c) => [c.type, c.label]), [['message', 'No checkpoints found here']]);
});

test('storage usage sums model, optimizer, full and other per kind and in total', () => {
  const usage = storageUsage([home, workspace]);
  assert.deepEqual(
    { total: usage.total, model: usage.model, optimizer: usage.optimizer, full: usage.full, other: usage.other, checkpoints: usage.checkpoints },
    { total: 90 * MiB + 3072 + 2048, model: 30 * MiB, optimizer: 60 * MiB, full: 2048, other: 3072, checkpoints: 4 },
  );
  assert.deepEqual(
    usage.kinds.map((g) => [g.kind, g.total, g.runs.map((r) => r.tag)]),
    [
      ['base', 60 * MiB + 2048, ['d4']],
      ['sft', 30 * MiB + 1024, ['d4']],
      ['folder', 2048, ['checkpoints']],
    ],
  );
});
