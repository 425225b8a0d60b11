// A run's status from its listing: training (a file written in the last few minutes), finished
// (the last step reached the planned length), stopped early, or unknown (no planned length).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { checkpointTooltip, runTooltip } from '../../src/core/listing/listingFormat';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import { nextStatusChange, runStatus } from '../../src/core/listing/runStatus';
import { makeTree } from './support/tempTree';

const meta = (step: number, numIterations: number): string => JSON.stringify({ step, val_bpb: 1, user_config: { num_iterations: numIterations, target_param_data_ratio: 20 } });
const state = (step: number, maxSteps: number): string => JSON.stringify({ global_step: step, max_steps: maxSteps, log_history: [] });

test('finished, stopped early or unknown, from nanochat\'s num_iterations and the Trainer\'s max_steps', async () => {
  const { root, cleanup } = await makeTree({
    'base_checkpoints/done/model_001000.pt': 10,
    'base_checkpoints/done/meta_001000.json': meta(1000, 1000),
    'base_checkpoints/cut/model_000400.pt': 10,
    'base_checkpoints/cut/meta_000400.json': meta(400, 1000),
    // -1: the length came from a data:param ratio and was not recorded.
    'base_checkpoints/budget/model_000700.pt': 10,
    'base_checkpoints/budget/meta_000700.json': meta(700, -1),
    'checkpoints/hf/checkpoint-500/model.safetensors': 10,
    'checkpoints/hf/checkpoint-500/trainer_state.json': state(500, 2000),
  });
  try {
    const now = Date.now();
    const listing = await listRoot(root);
    const status = Object.fromEntries(listing.runs.map((r) => [r.tag, runStatus(r, now)]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(status).map(([tag, s]) => [tag, [s.state, s.text, s.progress?.source]])),
      {
        budget: ['unknown', 'no planned length recorded', undefined],
        cut: ['stopped', 'stopped early at step 400 of 1000', 'meta_000400.json'],
        done: ['finished', 'finished: step 1000 of 1000', 'meta_001000.json'],
        'checkpoints/hf': ['stopped', 'stopped early at step 500 of 2000', 'trainer_state.json'],
      },
    );
    // The tree's run tooltip says it; a run with no planned length says nothing about it.
    const byTag = new Map(listing.runs.map((r) => [r.tag, r]));
    assert.match(runTooltip(byTag.get('cut')!, now), /^- status: stopped early at step 400 of 1000$/m);
    assert.doesNotMatch(runTooltip(byTag.get('budget')!, now), /status/);
  } finally {
    await cleanup();
  }
});

test('training while a file was written in the last few minutes, whatever the plan says', async () => {
  const { root, cleanup } = await makeTree({ 'run/model_001000.pt': 10, 'run/meta_001000.json': meta(1000, 1000) });
  try {
    const now = Date.now();
    const t = (now - 3 * 60_000) / 1000;
    await utimes(join(root, 'run', 'model_001000.pt'), t, t);
    const run = (await listRoot(root)).runs[0]!;
    assert.deepEqual([runStatus(run, now).state, runStatus(run, now).text], ['training', 'training: a file was written 3 min ago']);
    // Past the window it is the plan that speaks.
    assert.equal(runStatus(run, now, { recentMs: 60_000 }).text, 'finished: step 1000 of 1000');
    // A clock ahead of ours (a network drive) counts as now.
    assert.equal(runStatus(run, t * 1000 - 60_000).state, 'training');
  } finally {
    await cleanup();
  }
});

test('a checkpoint\'s tooltip shows its note, that it is pinned, and where it was archived', async () => {
  const { root, cleanup } = await makeTree({
    'run/model_000100.pt': 10,
    'run/.checkpoint-manager.json': JSON.stringify({ version: 1, checkpoints: { 'step:100': { note: 'the *one* in the paper', archived: [{ to: '/mnt/archive/run', at: '2024-05-01T10:00:00.000Z' }] } } }),
  });
  try {
    const c = (await listRoot(root)).runs[0]!.checkpoints[0]!;
    const lines = checkpointTooltip(c).split('\n');
    assert.ok(lines.includes('- note: the \\*one\\* in the paper'), lines.join('\n'));
    assert.ok(lines.includes('- pinned: pruning keeps it'));
    assert.ok(lines.includes('- archived to `/mnt/archive/run` (2024\\-05\\-01)'));
  } finally {
    await cleanup();
  }
});

test('the tree shows each run\'s status on its row: words, icon and what a screen reader says', async () => {
  const { root, cleanup } = await makeTree({
    'base_checkpoints/done/model_001000.pt': 10,
    'base_checkpoints/done/meta_001000.json': meta(1000, 1000),
    'base_checkpoints/cut/model_000400.pt': 10,
    'base_checkpoints/cut/meta_000400.json': meta(400, 1000),
    'base_checkpoints/plain/model_000700.pt': 10,
  });
  try {
    const listing = await listRoot(root);
    const rows = (now: number): Record<string, [string, string, string | undefined, string | undefined]> =>
      Object.fromEntries(
        flattenTree(buildTree([{ listing, label: 'home' }], undefined, now))
          .filter((f) => f.node.type === 'run')
          .map(({ node }) => [node.label, [node.description ?? '', node.icon, node.iconColor, node.ariaLabel]]),
      );
    const later = Date.now();
    assert.deepEqual(rows(later), {
      // The status first; the rest while it fits the sidebar.
      cut: ['stopped at 400/1000', 'debug-stop', 'charts.orange', 'cut, stopped early at step 400 of 1000, 1 checkpoint, 101 B'],
      done: ['finished', 'pass', 'charts.green', 'done, finished: step 1000 of 1000, 1 checkpoint, 102 B'],
      plain: ['1 checkpoint · 10 B', 'folder-library', undefined, 'plain, 1 checkpoint, 10 B'],
    });
    // Within minutes of its last write, a run is training, whatever its plan says.
    const writing = listing.runs.find((r) => r.tag === 'done')!.checkpoints[0]!.mtimeMs + 60_000;
    assert.deepEqual(rows(writing).done!.slice(0, 3), ['training', 'sync', 'charts.blue']);
    // The tree redraws when that ends: ten minutes after the newest write.
    assert.equal(nextStatusChange(listing.runs, writing), writing - 60_000 + 10 * 60_000);
    assert.equal(nextStatusChange(listing.runs, later), undefined);
    // The window is each run's retention policy's: thirty seconds here.
    const asked: string[] = [];
    const window = (dir: string): number => (asked.push(dir), 30_000);
    const newest = Math.max(...listing.runs.flatMap((r) => r.checkpoints.map((c) => c.mtimeMs)));
    const icons = (now: number, w?: (dir: string) => number) =>
      Object.fromEntries(flattenTree(buildTree([{ listing, label: 'home' }], undefined, now, w)).filter((f) => f.node.type === 'run').map(({ node }) => [node.label, node.icon]));
    assert.equal(icons(newest + 40_000).plain, 'sync');
    assert.equal(icons(newest + 40_000, window).plain, 'folder-library');
    assert.equal(nextStatusChange(listing.runs, newest + 10_000, window), newest + 30_000);
    assert.equal(nextStatusChange(listing.runs, newest + 40_000, window), undefined);
    assert.ok(listing.runs.every((r) => asked.includes(r.dir)));
  } finally {
    await cleanup();
  }
});
