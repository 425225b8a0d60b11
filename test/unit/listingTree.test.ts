import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointPicks } from '../../src/core/listing/checkpointPicks';
import { ROW_CHARS } from '../../src/core/listing/listingFormat';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import type { RunNodeCache } from '../../src/core/listing/listingTree';
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
      { path: `${dir}/optim_${s}_rank0.pt`, name: `optim_${s}_rank0.pt`, role: 'optimizer', bytes: 20 * MiB, mtimeMs: 1_700_000_000_000, rank: 0 },
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
    'nanochat home | 3 checkpoints | root.nanochat | home',
    '  Base | 1 tag · 60.0 MiB | kind | layers',
    '    d4 | 2 checkpoints · 60.0 MiB | run.nanochat | folder-library',
    '      step 000100 | val_bpb 0.9 | checkpoint.nanochat | package',
    '        model_000100.pt | 10.0 MiB | checkpointFile | file-binary',
    '        meta_000100.json | 1.00 KiB | checkpointFile.json | json',
    '        optim_000100_rank0.pt | 20.0 MiB | checkpointFile | file-binary',
    '      step 000200 | val_bpb 0.8 | checkpoint.nanochat.best | star-full',
    '        model_000200.pt | 10.0 MiB | checkpointFile | file-binary',
    '        meta_000200.json | 1.00 KiB | checkpointFile.json | json',
    '        optim_000200_rank0.pt | 20.0 MiB | checkpointFile | file-binary',
    '  SFT | 1 tag · 30.0 MiB | kind | layers',
    '    d4 | 1 checkpoint · 30.0 MiB | run.nanochat | folder-library',
    '      step 000005 | 30.0 MiB | checkpoint.nanochat | package',
    '        model_000005.pt | 10.0 MiB | checkpointFile | file-binary',
    '        meta_000005.json | 1.00 KiB | checkpointFile.json | json',
    '        optim_000005_rank0.pt | 20.0 MiB | checkpointFile | file-binary',
    '  Storage usage | 90.0 MiB | storage | database',
    '    Base | 60.0 MiB | storageRow | layers',
    '      d4 | 60.0 MiB | storageRow | circle-small-filled',
    '    SFT | 30.0 MiB | storageRow | layers',
    '      d4 | 30.0 MiB | storageRow | circle-small-filled',
    'w | 1 checkpoint · 2.00 KiB | root.folder | root-folder',
    '  checkpoints | 1 checkpoint | run.folder | folder-library',
    '    best.pt | 2.00 KiB | checkpoint.file.best | star-full',
    '  Storage usage | 2.00 KiB | storage | database',
    '    checkpoints | 2.00 KiB | storageRow | circle-small-filled',
  ]);
});

// The sidebar is about 300 px wide by default (the e2e test measures the real rows); long
// folder names may still be cut, but nothing in these fixtures.
test('every row of the fixture trees fits the default sidebar width', () => {
  const nodes = buildTree([
    { listing: home, label: 'nanochat home' },
    { listing: workspace, label: 'workspace' },
  ]);
  const tooWide = flattenTree(nodes)
    .filter(({ node }) => node.type !== 'file')
    .map(({ depth, node }) => ({ depth, text: `${node.label}  ${node.description ?? ''}` }))
    .filter(({ depth, text }) => text.length > ROW_CHARS - depth);
  assert.deepEqual(tooWide, []);
});

test('tooltips hold what the rows leave out', () => {
  const [root] = buildTree([{ listing: home, label: 'nanochat home' }]);
  const all = flattenTree([root!]).map((f) => f.node);
  const byLabel = (label: string): string => all.find((n) => n.label === label)?.tooltip ?? '';
  const run = all.find((n) => n.type === 'run')?.tooltip ?? '';
  assert.match(run, /- latest step: 200\n/);
  assert.match(run, /- best: val\\_bpb 0\\\.8 @ 200\n/);
  assert.match(byLabel('step 000200'), /- size: 30\.0 MiB in 3 files\n/);
  assert.match(root!.tooltip ?? '', /3 checkpoints · 90\.0 MiB/);
  assert.equal(
    byLabel('optim_000100_rank0.pt'),
    [
      '**optim\\_000100\\_rank0\\.pt**',
      '',
      '- role: optimizer state, rank 0',
      '- size: 20.0 MiB (20,971,520 bytes)',
      '- modified: 2023-11-14 22:13:20 UTC',
      '',
      `\`${D4}/optim_000100_rank0.pt\``,
    ].join('\n'),
  );
  const storage = all.find((n) => n.type === 'storage')?.children[0]?.tooltip ?? '';
  assert.match(storage, /- single-file checkpoints \(model and optimizer in one file, not told apart\): 0 B\n/);
  assert.doesNotMatch(storage, /full/);
});

test('the inspect picker tells two step 000100 apart by kind and tag', () => {
  const sftD4 = `${HOME}/chatsft_checkpoints/d4`;
  const listing: RootListing = {
    ...home,
    runs: [
      run('base', 'd4', D4, [nanochatStep(D4, 100, 0.9, false)]),
      run('sft', 'd4', sftD4, [nanochatStep(sftD4, 100, undefined, false)]),
      run('folder', 'checkpoints', `${HOME}/checkpoints`, [best]),
    ],
  };
  const picks = checkpointPicks(buildTree([{ listing, label: 'nanochat home' }]));
  // A step with optimizer files opens whole, through its meta file.
  assert.deepEqual(
    picks.map((p) => [p.label, p.description, p.detail, p.path, p.whole]),
    [
      ['step 000100', 'Base · d4 · val_bpb 0.9', `${D4}/meta_000100.json`, `${D4}/meta_000100.json`, true],
      ['step 000100', 'SFT · d4 · 30.0 MiB', `${sftD4}/meta_000100.json`, `${sftD4}/meta_000100.json`, true],
      ['best.pt', 'nanochat home · checkpoints · 2.00 KiB', '/w/checkpoints/best.pt', '/w/checkpoints/best.pt', false],
    ],
  );
});

test('a nanochat home shows its other checkpoint folders after the kinds, and in storage', () => {
  const listing: RootListing = { ...home, runs: [...home.runs, run('folder', 'checkpoints', `${HOME}/checkpoints`, [best])] };
  const [root] = buildTree([{ listing, label: 'nanochat home' }]);
  assert.deepEqual(
    root?.children.map((c) => [c.type, c.label, c.children.map((g) => g.label)]),
    [
      ['kind', 'Base', ['d4']],
      ['kind', 'SFT', ['d4']],
      ['run', 'checkpoints', ['best.pt']],
      ['storage', 'Storage usage', ['Base', 'SFT', 'checkpoints']],
    ],
  );
});

test('a rebuilt tree reuses the nodes of runs that did not change', () => {
  const cache: RunNodeCache = new WeakMap();
  const first = flattenTree(buildTree([{ listing: home, label: 'nanochat home' }], cache)).filter((f) => f.node.type === 'run');
  const changed = run('base', 'd4', D4, [nanochatStep(D4, 100, 0.9, false)]);
  const second = flattenTree(buildTree([{ listing: { ...home, runs: [changed, home.runs[1]!] }, label: 'nanochat home' }], cache)).filter((f) => f.node.type === 'run');
  assert.deepEqual(
    second.map((f, i) => f.node === first[i]?.node),
    [false, true],
  );
});

test('nodes built lazily say truly whether they have children', () => {
  const nodes = flattenTree(buildTree([{ listing: home, label: 'nanochat home' }, { listing: workspace, label: 'w' }])).map((f) => f.node);
  const lazy = nodes.filter((n) => n.leaf !== undefined);
  assert.deepEqual(new Set(lazy.map((n) => n.type)), new Set(['run', 'checkpoint']));
  assert.deepEqual(lazy.filter((n) => n.leaf !== (n.children.length === 0)).map((n) => n.id), []);
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
      data: { kind: 'base', tag: 'd4', step: 200, bytes: 30 * MiB + 1024, metrics: { val_bpb: 0.8 }, best: true, location: 'Base · d4', runDir: D4, key: 'step:200' },
      iconColor: 'charts.yellow',
    },
  );
});

test('a pinned, noted or archived checkpoint says so: its menus, icon, description and accessible name', () => {
  const steps = [nanochatStep(D4, 100, 0.9, false), nanochatStep(D4, 200, 0.8, false), nanochatStep(D4, 300, 0.7, true)];
  steps[0]!.mark = { pinned: true };
  steps[1]!.mark = { note: 'before the LR change', archived: [{ to: '/mnt/archive/d4', at: '2025-01-01T00:00:00.000Z' }] };
  steps[2]!.mark = { pinned: true };
  const listing: RootListing = { ...home, runs: [run('base', 'd4', D4, steps)] };
  const nodes = flattenTree(buildTree([{ listing, label: 'nanochat home' }])).filter((f) => f.node.type === 'checkpoint').map((f) => f.node);
  // The sidebar is narrow at this depth: the mark is in the icon and the accessible name, not the description.
  assert.deepEqual(
    nodes.map((n) => [n.contextValue, n.icon, n.description, n.ariaLabel]),
    [
      ['checkpoint.nanochat.pinned', 'pinned', 'val_bpb 0.9', 'step 000100, val_bpb 0.9, 30.0 MiB, pinned'],
      ['checkpoint.nanochat.noted.archived', 'archive', 'val_bpb 0.8', 'step 000200, val_bpb 0.8, 30.0 MiB, archived, note: before the LR change'],
      // The best keeps its star; the menus still know it is pinned.
      ['checkpoint.nanochat.best.pinned', 'star-full', 'val_bpb 0.7', 'step 000300, val_bpb 0.7, best, 30.0 MiB, pinned'],
    ],
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
