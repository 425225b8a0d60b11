// Megatron-LM checkpoint folders in the listing (fixtures: test/fixtures/megatron/make_megatron.py,
// laid out as checkpointing.py's save_checkpoint lays them out): each `iter_N/` (and a `release/`
// the tracker names) is one checkpoint (layout `megatron`) with the iteration as its step and its
// rank files as shards; the iteration latest_checkpointed_iteration.txt names says so; a hole in
// the TP×PP grid, a rank folder without its file or an empty file marks it incomplete; the walk
// does not list the rank folders as runs of their own; a change inside relists the run holding it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import { listRoot } from '../../src/core/listing/listRoot';
import { planRelist } from '../../src/core/listing/relistPlan';
import { pruneUnitOf } from '../../src/core/prune/pruneUnit';
import { makeTree } from './support/tempTree';

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'megatron');
const cli = join(repo, 'dist', 'cli.js');

function rows(root: string, listing: Awaited<ReturnType<typeof listRoot>>): unknown[] {
  return listing.runs.map((r) => ({
    tag: r.tag,
    checkpoints: r.checkpoints.map((c) => ({
      name: c.name,
      layout: c.layout,
      step: c.step,
      shards: c.shards,
      main: c.mainFile?.slice(root.length + 1),
      files: c.files.map((f) => f.name),
      ...(c.latest ? { latest: c.latest } : {}),
      ...(c.incomplete ? { incomplete: c.incomplete } : {}),
    })),
  }));
}

test('the fixtures list one checkpoint per iteration, with its rank files as shards and the tracker\'s iteration marked', async () => {
  const listing = await listRoot(fixtures);
  assert.deepEqual(listing.warnings, []);
  const tp = ['mp_rank_00/model_optim_rng.pt', 'mp_rank_01/model_optim_rng.pt'];
  const grid = ['mp_rank_00_000/model_optim_rng.pt', 'mp_rank_00_001/model_optim_rng.pt', 'mp_rank_01_000/model_optim_rng.pt', 'mp_rank_01_001/model_optim_rng.pt'];
  assert.deepEqual(rows(fixtures, listing), [
    {
      tag: 'missing',
      checkpoints: [
        { name: 'iter_0000030', layout: 'megatron', step: 30, shards: 3, main: 'missing/iter_0000030/mp_rank_00_000/model_optim_rng.pt', files: grid.slice(0, 3), incomplete: 'no mp_rank_01_001/model_optim_rng.pt (the other ranks make a 2×2 grid)' },
        // The names alone look whole: only args (read on open) says there were two ranks.
        { name: 'iter_0000040', layout: 'megatron', step: 40, shards: 1, main: 'missing/iter_0000040/mp_rank_00/model_optim_rng.pt', files: tp.slice(0, 1), latest: 'latest_checkpointed_iteration.txt' },
      ],
    },
    { tag: 'release', checkpoints: [{ name: 'release', layout: 'megatron', step: null, shards: 1, main: 'release/release/mp_rank_00/model_optim_rng.pt', files: tp.slice(0, 1), latest: 'latest_checkpointed_iteration.txt' }] },
    {
      tag: 'tp2',
      checkpoints: [
        { name: 'iter_0000010', layout: 'megatron', step: 10, shards: 2, main: 'tp2/iter_0000010/mp_rank_00/model_optim_rng.pt', files: tp },
        { name: 'iter_0000020', layout: 'megatron', step: 20, shards: 2, main: 'tp2/iter_0000020/mp_rank_00/model_optim_rng.pt', files: tp, latest: 'latest_checkpointed_iteration.txt' },
      ],
    },
    { tag: 'tp2pp2', checkpoints: [{ name: 'iter_0000030', layout: 'megatron', step: 30, shards: 4, main: 'tp2pp2/iter_0000030/mp_rank_00_000/model_optim_rng.pt', files: grid, latest: 'latest_checkpointed_iteration.txt' }] },
  ]);
  const c = listing.runs.find((r) => r.tag === 'tp2')!.checkpoints[1]!;
  assert.equal(c.bytes, c.files.reduce((n, f) => n + f.bytes, 0));
  // Prune takes an iteration folder whole.
  assert.deepEqual(pruneUnitOf(c).paths, [join(fixtures, 'tp2', 'iter_0000020')]);
});

test('the tree shows an iteration as one row with its shard count, the tracker in its tooltip', async () => {
  const listing = await listRoot(join(fixtures, 'tp2'));
  const nodes = flattenTree(buildTree([{ listing, label: 'tp2' }]));
  const row = nodes.find(({ node }) => node.type === 'checkpoint' && node.label === 'iter_0000020')!.node;
  assert.match(row.description!, /in 2 shards/);
  assert.equal(row.icon, 'files');
  assert.equal(row.openPath, join(fixtures, 'tp2', 'iter_0000020', 'mp_rank_00', 'model_optim_rng.pt'));
  assert.match(row.tooltip!, /- shards: 2 \(one model_optim_rng\.pt per tensor\/pipeline-parallel rank\)/);
  assert.match(row.tooltip!, /- latest: latest\\_checkpointed\\_iteration\\\.txt names it/);
  assert.deepEqual(row.children.map((f) => f.label), ['mp_rank_00/model_optim_rng.pt', 'mp_rank_01/model_optim_rng.pt']);
  const older = nodes.find(({ node }) => node.label === 'iter_0000010')!.node;
  assert.doesNotMatch(older.tooltip!, /latest/);
});

test('empty files, rank folders without their file, torch_dist iterations, a tracker naming nothing, an iteration as the root', async () => {
  const { root, cleanup } = await makeTree({
    'run/latest_checkpointed_iteration.txt': '300\n',
    'run/iter_0000100/mp_rank_00/model_optim_rng.pt': 100,
    'run/iter_0000100/mp_rank_01/model_optim_rng.pt': 0,
    'run/iter_0000200/mp_rank_00/model_optim_rng.pt': 100,
    'run/iter_0000200/mp_rank_00/distrib_optim.pt': 50,
    'run/iter_0000200/mp_rank_01/': 0,
    'run/iter_0000300/.metadata': 10,
    'run/iter_0000300/__0_0.distcp': 200,
    'run/iter_0000300/common.pt': 20,
    'bad/latest_checkpointed_iteration.txt': 'soon',
    'bad/iter_0000001/mp_rank_00/model_optim_rng.pt': 10,
    'elsewhere/release/mp_rank_00/model_optim_rng.pt': 10,
  });
  try {
    const listing = await listRoot(root);
    assert.deepEqual(rows(root, listing), [
      { tag: 'bad', checkpoints: [{ name: 'iter_0000001', layout: 'megatron', step: 1, shards: 1, main: 'bad/iter_0000001/mp_rank_00/model_optim_rng.pt', files: ['mp_rank_00/model_optim_rng.pt'] }] },
      {
        tag: 'run',
        checkpoints: [
          { name: 'iter_0000100', layout: 'megatron', step: 100, shards: 2, main: 'run/iter_0000100/mp_rank_00/model_optim_rng.pt', files: ['mp_rank_00/model_optim_rng.pt', 'mp_rank_01/model_optim_rng.pt'], incomplete: 'mp_rank_01/model_optim_rng.pt is empty (still being written, or an interrupted save)' },
          { name: 'iter_0000200', layout: 'megatron', step: 200, shards: 1, main: 'run/iter_0000200/mp_rank_00/model_optim_rng.pt', files: ['mp_rank_00/model_optim_rng.pt', 'mp_rank_00/distrib_optim.pt'], incomplete: 'no mp_rank_01/model_optim_rng.pt' },
          // Megatron's torch_dist format: a DCP folder, listed as one, still marked as the latest.
          { name: 'iter_0000300', layout: 'dcp', step: 300, shards: 1, main: 'run/iter_0000300/.metadata', files: ['.metadata', '__0_0.distcp'], latest: 'latest_checkpointed_iteration.txt' },
        ],
      },
    ]);
    const r200 = listing.runs[1]!.checkpoints[1]!;
    assert.equal(r200.optimizerBytes, 50);
    // A release/ the tracker does not name is not a checkpoint; its rank folder is no run either.
    assert.deepEqual(listing.warnings, [`${join(root, 'bad', 'latest_checkpointed_iteration.txt')}: says neither an iteration nor "release"; skipped`]);
    const own = await listRoot(join(root, 'run', 'iter_0000100'));
    assert.deepEqual(own.runs.map((r) => [r.tag, r.checkpoints.map((c) => [c.name, c.shards])]), [['.', [['iter_0000100', 2]]]]);
  } finally {
    await cleanup();
  }
});

test('a change inside an iteration relists the run that holds it', () => {
  const listed = { root: '/r', layout: 'folder' as const, exists: true, depth: 4, runDirs: ['/r/gpt'] };
  assert.deepEqual(planRelist(listed, ['/r/gpt/iter_0000100/mp_rank_01/model_optim_rng.pt', '/r/gpt/iter_0000200', '/r/gpt/latest_checkpointed_iteration.txt']), { full: false, runs: ['/r/gpt'], subtrees: [] });
  assert.deepEqual(planRelist(listed, ['/r/new/release/mp_rank_00/model_optim_rng.pt']), { full: false, runs: ['/r/new'], subtrees: [] });
});

test('`list` shows the iterations with a SHARDS column; `list --json` has shards and latest', () => {
  const table = spawnSync(process.execPath, [cli, 'list', join(fixtures, 'tp2pp2')], { encoding: 'utf8' });
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.split('\n');
  const header = lines.find((l) => l.startsWith('KIND'))!;
  assert.match(header, /COUNT\s+SHARDS\s+SIZE/);
  const row = lines[lines.indexOf(header) + 1]!;
  assert.equal(row.slice(header.indexOf('SHARDS')).split(/\s+/)[0], '4');
  const json = spawnSync(process.execPath, [cli, 'list', '--json', join(fixtures, 'tp2')], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const runs = JSON.parse(json.stdout).runs as Array<{ checkpoints: Array<{ name: string; layout: string; shards?: number; latest?: string }> }>;
  assert.deepEqual(runs[0]!.checkpoints.map((c) => [c.name, c.layout, c.shards, c.latest]), [['iter_0000010', 'megatron', 2, undefined], ['iter_0000020', 'megatron', 2, 'latest_checkpointed_iteration.txt']]);
});
