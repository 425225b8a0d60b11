// Retention plans on the layouts people train into: what each rule keeps and drops, what is
// protected whatever the rules say, and that every checkpoint carries its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { planListing } from '../../src/core/prune/prunePlan';
import type { PlanOptions, PrunePlan } from '../../src/core/prune/prunePlan';
import type { RetentionPolicy } from '../../src/core/prune/retentionPolicy';
import { makeTree } from './support/tempTree';
import type { TreeSpec } from './support/tempTree';

const OFF: RetentionPolicy = { keepLast: 0, keepBest: 0, keepEvery: 0, keepWithoutMetric: true, recentMinutes: 10 };

/** `name: keep|delete — reasons` per run, in listing order. */
function shape(plan: PrunePlan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const run of plan.runs) out[`${run.kind}/${run.tag}`] = run.units.map((u) => `${u.name}: ${u.reason}`);
  return out;
}

type Options = PlanOptions | ((root: string) => PlanOptions);

async function planOf(spec: TreeSpec, policy: Partial<RetentionPolicy>, options: Options = {}, before?: (root: string) => Promise<void>): Promise<{ plan: PrunePlan; root: string }> {
  const { root, cleanup } = await makeTree(spec, 'prune-');
  try {
    await before?.(root);
    const opts = typeof options === 'function' ? options(root) : options;
    const plan = await planListing(await listRoot(root), () => ({ ...OFF, ...policy }), { readCheckpoints: false, ...opts });
    return { plan, root };
  } finally {
    await cleanup();
  }
}

const meta = (step: number, valBpb: number): string => JSON.stringify({ step, val_bpb: valBpb, user_config: { num_iterations: 600 } });

/** A nanochat tag with steps 100…500, two optimizer ranks each; step 200 has the best val_bpb. */
function nanochatTag(dir: string, bpb: Record<number, number>): TreeSpec {
  const spec: TreeSpec = {};
  for (const [step, v] of Object.entries(bpb)) {
    const s = String(step).padStart(6, '0');
    spec[`${dir}/model_${s}.pt`] = 1000;
    spec[`${dir}/meta_${s}.json`] = meta(Number(step), v);
    spec[`${dir}/optim_${s}_rank0.pt`] = 2000;
    spec[`${dir}/optim_${s}_rank1.pt`] = 2000;
  }
  return spec;
}

test('a nanochat home: latest N per tag, the newest and the best protected, a step deleted with every rank', async () => {
  const { plan, root } = await planOf(
    {
      ...nanochatTag('base_checkpoints/d4', { 100: 1.9, 200: 1.2, 300: 1.5, 400: 1.4, 500: 1.3 }),
      ...nanochatTag('mid_checkpoints/d4', { 50: 1.1, 100: 1.0 }),
    },
    { keepLast: 2 },
  );
  assert.deepEqual(shape(plan), {
    'base/d4': [
      'step 000100: deleted: not in latest 2',
      'step 000200: kept: best val_bpb',
      'step 000300: deleted: not in latest 2',
      'step 000400: kept: in latest 2',
      'step 000500: kept: newest, in latest 2',
    ],
    'mid/d4': ['step 000050: kept: in latest 2', 'step 000100: kept: newest, best val_bpb, in latest 2'],
  });
  const step100 = plan.runs[0]!.units[0]!;
  const dir = join(root, 'base_checkpoints', 'd4');
  assert.deepEqual(step100.files, ['model_000100.pt', 'meta_000100.json', 'optim_000100_rank0.pt', 'optim_000100_rank1.pt'].map((f) => join(dir, f)));
  assert.equal(step100.bytes, 1000 + Buffer.byteLength(meta(100, 1.9)) + 4000);
  // Two deleted steps: their model, meta and both optimizer shards.
  assert.equal(plan.reclaimBytes, 2 * (5000 + Buffer.byteLength(meta(100, 1.9))));
});

test('keep-best K by a metric, min or max; checkpoints without it are kept unless told otherwise', async () => {
  const spec: TreeSpec = {
    'run/model_000100.pt': 10,
    'run/meta_000100.json': JSON.stringify({ step: 100, val_bpb: 1.5, score: 0.2 }),
    'run/model_000200.pt': 10,
    'run/meta_000200.json': JSON.stringify({ step: 200, val_bpb: 1.1, score: 0.9 }),
    'run/model_000300.pt': 10,
    'run/meta_000300.json': JSON.stringify({ step: 300, val_bpb: 1.3, score: 0.5 }),
    'run/model_000400.pt': 10,
    'run/meta_000400.json': JSON.stringify({ step: 400 }),
    'run/model_000500.pt': 10,
    'run/meta_000500.json': JSON.stringify({ step: 500, val_bpb: 1.4, score: 0.4 }),
  };
  const min = await planOf(spec, { keepBest: 2 });
  assert.deepEqual(shape(min.plan)['folder/run'], [
    'step 000100: deleted: not in best 2 by val_bpb',
    'step 000200: kept: best val_bpb, in best 2 by val_bpb',
    'step 000300: kept: in best 2 by val_bpb',
    'step 000400: kept: no val_bpb recorded',
    // Protected, so its reasons say what protects it, not what the rules would have done.
    'step 000500: kept: newest',
  ]);
  const max = await planOf(spec, { keepBest: 1, metric: 'score', mode: 'max', keepWithoutMetric: false });
  assert.deepEqual(shape(max.plan)['folder/run'], [
    'step 000100: deleted: not in best 1 by score',
    'step 000200: kept: best score, in best 1 by score',
    'step 000300: deleted: not in best 1 by score',
    'step 000400: deleted: no score recorded',
    'step 000500: kept: newest',
  ]);
});

test('in a run that records no metric at all, keep-best keeps everything, unless told to leave it to the other rules', async () => {
  const spec: TreeSpec = { 'run/model_000100.pt': 10, 'run/model_000200.pt': 10, 'run/model_000300.pt': 10 };
  const kept = await planOf(spec, { keepLast: 1, keepBest: 1 });
  assert.deepEqual(shape(kept.plan)['folder/run'], [
    'step 000100: kept: no metric recorded',
    'step 000200: kept: no metric recorded',
    'step 000300: kept: newest, in latest 1, no metric recorded',
  ]);
  const left = await planOf(spec, { keepLast: 1, keepBest: 1, keepWithoutMetric: false });
  assert.deepEqual(shape(left.plan)['folder/run'], [
    'step 000100: deleted: not in latest 1, no metric recorded',
    'step 000200: deleted: not in latest 1, no metric recorded',
    'step 000300: kept: newest, in latest 1',
  ]);
});

test('keep-every K keeps milestones; rules combine by union', async () => {
  const steps: TreeSpec = {};
  for (let s = 250; s <= 2000; s += 250) steps[`run/model_${String(s).padStart(6, '0')}.pt`] = 10;
  const { plan } = await planOf(steps, { keepEvery: 1000, keepLast: 2 });
  assert.deepEqual(shape(plan)['folder/run'], [
    'step 000250: deleted: not in latest 2, not a multiple of 1,000 steps',
    'step 000500: deleted: not in latest 2, not a multiple of 1,000 steps',
    'step 000750: deleted: not in latest 2, not a multiple of 1,000 steps',
    'step 001000: kept: a milestone (every 1,000 steps)',
    'step 001250: deleted: not in latest 2, not a multiple of 1,000 steps',
    'step 001500: deleted: not in latest 2, not a multiple of 1,000 steps',
    'step 001750: kept: in latest 2',
    'step 002000: kept: newest, in latest 2, a milestone (every 1,000 steps)',
  ]);
});

test('Hugging Face checkpoint-N folders: the Trainer\'s best_model_checkpoint is kept, a folder goes whole', async () => {
  const state = (step: number, best: number, evalLoss: number, maxSteps = 1000): string =>
    JSON.stringify({ global_step: step, max_steps: maxSteps, best_model_checkpoint: `out/checkpoint-${best}`, log_history: [{ step, eval_loss: evalLoss }] });
  const { plan, root } = await planOf(
    {
      'hf/checkpoint-100/model.safetensors': 100,
      'hf/checkpoint-100/trainer_state.json': state(100, 100, 3.0),
      'hf/checkpoint-200/model.safetensors': 100,
      'hf/checkpoint-200/optimizer.pt': 200,
      'hf/checkpoint-200/global_step200/mp_rank_00_model_states.pt': 300,
      'hf/checkpoint-200/trainer_state.json': state(200, 100, 3.2),
      'hf/checkpoint-300/model.safetensors': 100,
      'hf/checkpoint-300/trainer_state.json': state(300, 100, 2.9),
      'hf/checkpoint-400/model.safetensors': 100,
      'hf/checkpoint-400/trainer_state.json': state(400, 100, 3.1),
    },
    { keepLast: 1 },
  );
  // eval_loss says 300 is best; the Trainer recorded 100 (its metric_for_best_model): both are kept.
  assert.deepEqual(shape(plan)['folder/hf'], [
    "checkpoint-100: kept: the Trainer's best_model_checkpoint",
    'checkpoint-200: deleted: not in latest 1',
    'checkpoint-300: kept: best eval_loss',
    'checkpoint-400: kept: newest, in latest 1',
  ]);
  const deleted = plan.runs[0]!.units[1]!;
  assert.deepEqual([deleted.paths, deleted.files], [[join(root, 'hf', 'checkpoint-200')], [join(root, 'hf', 'checkpoint-200') + '/']]);
  // Its DeepSpeed subfolder counts: the folder goes whole.
  assert.equal(plan.reclaimBytes, 100 + 200 + 300 + Buffer.byteLength(state(200, 100, 3.2)));
  assert.equal(plan.runs[0]!.status.text, 'stopped early at step 400 of 1000');
});

test('a plain checkpoints/ folder: best.pt and last.pt kept by name, epoch_N.pt ranked by epoch', async () => {
  const { plan } = await planOf(
    { 'checkpoints/best.pt': 10, 'checkpoints/last.pt': 10, 'checkpoints/epoch_1.pt': 10, 'checkpoints/epoch_2.pt': 10, 'checkpoints/epoch_3.pt': 10, 'checkpoints/notes.pt': 10 },
    { keepLast: 1 },
  );
  assert.deepEqual(shape(plan)['folder/checkpoints'], [
    'epoch_1.pt: deleted: not in latest 1',
    'epoch_2.pt: deleted: not in latest 1',
    'epoch_3.pt: kept: newest, in latest 1',
    'best.pt: kept: named "best.pt"',
    'last.pt: kept: named "last.pt"',
    // Its age among epoch files is unknown from its name: nothing ranks it, so it stays.
    'notes.pt: kept: no rule could judge it: no epoch in its name',
  ]);
});

test('Lightning epoch=E-step=S.ckpt names rank by step; last.ckpt and latest/final names are kept', async () => {
  const { plan } = await planOf(
    {
      'lightning/epoch=0-step=100.ckpt': 10,
      'lightning/epoch=1-step=200.ckpt': 10,
      'lightning/epoch=2-step=300.ckpt': 10,
      'lightning/epoch=3-step=400.ckpt': 10,
      'lightning/last.ckpt': 10,
      'lightning/last-v1.ckpt': 10,
      'lightning/model_final.pth': 10,
    },
    { keepLast: 2 },
  );
  assert.deepEqual(shape(plan)['folder/lightning'], [
    'epoch=0-step=100.ckpt: deleted: not in latest 2',
    'epoch=1-step=200.ckpt: deleted: not in latest 2',
    'epoch=2-step=300.ckpt: kept: in latest 2',
    'epoch=3-step=400.ckpt: kept: newest, in latest 2',
    'last-v1.ckpt: kept: named "last-v1.ckpt"',
    'last.ckpt: kept: named "last.ckpt"',
    'model_final.pth: kept: named "model_final.pth"',
  ]);
});

test('a file still being written is kept: modified in the last few minutes, or a newer step cut short', async () => {
  const now = Date.now();
  const { plan } = await planOf(
    {
      'run/model_000100.pt': 10,
      'run/model_000200.pt': 10,
      'run/model_000300.pt': 10,
      // Step 400's optimizer shard is being written; its model file is not there yet.
      'run/optim_000400_rank0.pt': 10,
    },
    { keepLast: 1, recentMinutes: 5 },
    { now },
    async (root) => {
      // Step 300 was written two minutes ago.
      const t = (now - 2 * 60_000) / 1000;
      await utimes(join(root, 'run', 'model_000300.pt'), t, t);
    },
  );
  assert.deepEqual(shape(plan)['folder/run'], [
    'step 000100: deleted: not in latest 1',
    'step 000200: deleted: not in latest 1',
    'step 000300: kept: newest, written 2 min ago (a run may still be writing it), in latest 1',
    'step 000400: kept: incomplete and newer than the newest whole checkpoint (no model_000400.pt)',
  ]);
  assert.equal(plan.runs[0]!.status.state, 'training');
});

test('pinned, noted and archived checkpoints are kept; a name given for deletion goes whatever protects it', async () => {
  const marks = JSON.stringify({
    version: 1,
    checkpoints: {
      'step:100': { pinned: true },
      'step:200': { note: 'the one in the paper' },
      'step:300': { archived: [{ to: '/mnt/archive/run', at: '2024-05-01T00:00:00.000Z' }] },
    },
  });
  const spec: TreeSpec = { 'run/.checkpoint-manager.json': marks };
  for (const s of [100, 200, 300, 400, 500]) spec[`run/model_${String(s).padStart(6, '0')}.pt`] = 10;
  const kept = await planOf(spec, { keepLast: 1 });
  assert.deepEqual(shape(kept.plan)['folder/run'], [
    'step 000100: kept: pinned',
    'step 000200: kept: note "the one in the paper"',
    'step 000300: kept: archived (a copy is in /mnt/archive/run)',
    'step 000400: deleted: not in latest 1',
    'step 000500: kept: newest, in latest 1',
  ]);
  const named = await planOf(spec, { keepLast: 1 }, { named: ['step:100'] });
  assert.equal(shape(named.plan)['folder/run']![0], 'step 000100: deleted: named for deletion, overriding: pinned');
  assert.deepEqual(named.plan.unmatched, []);
});

test('a name for deletion that matches several checkpoints, or none, deletes nothing and is reported', async () => {
  const spec: TreeSpec = { 'a/model_000100.pt': 10, 'a/model_000200.pt': 10, 'b/model_000100.pt': 10, 'b/model_000200.pt': 10 };
  const { plan } = await planOf(spec, {}, { named: ['step 000100', 'step 000900'] });
  assert.deepEqual(plan.unmatched, ['step 000100: matches 2 checkpoints; give its path', 'step 000900: no such checkpoint']);
  assert.ok(plan.runs.every((r) => r.units.every((u) => u.keep)));
  // A path names one checkpoint, wherever the same name appears in other runs.
  const byPath = await planOf(spec, {}, (root) => ({ named: [join(root, 'b', 'model_000100.pt')] }));
  assert.deepEqual(byPath.plan.unmatched, []);
  assert.deepEqual(shape(byPath.plan), {
    'folder/a': ['step 000100: kept: no retention rule set', 'step 000200: kept: newest'],
    'folder/b': ['step 000100: deleted: named for deletion', 'step 000200: kept: newest'],
  });
});

test('a folder of files with neither steps nor epochs is ranked by modification time', async () => {
  const { plan } = await planOf({ 'w/a.pt': 10, 'w/b.pt': 10, 'w/c.pt': 10 }, { keepLast: 1 });
  // makeTree writes them a minute apart, in this order.
  assert.deepEqual(shape(plan)['folder/w'], ['a.pt: deleted: not in latest 1', 'b.pt: deleted: not in latest 1', 'c.pt: kept: newest, in latest 1']);
});
