// Plans on checkpoints written by torch 1.13 (test/fixtures/build_retention.py and the sample
// home): what the pickles say (checked against what torch read back, in expected.json) decides
// the best and the run's status, as the names alone cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { readCheckpointFacts } from '../../src/core/inspect/checkpointFacts';
import { planListing } from '../../src/core/prune/prunePlan';
import type { PrunePlan } from '../../src/core/prune/prunePlan';
import type { RetentionPolicy } from '../../src/core/prune/retentionPolicy';
import { FIXTURES, copyFixtures } from './support/fixtureCopy';

interface TorchFacts {
  epoch: number;
  global_step: number;
  metrics?: Record<string, number>;
  best_metric?: number;
  max_epochs?: number;
  model_checkpoint?: { monitor: string; current_score: number; best_model_score: number; best_model_path: string; best_k_models: Record<string, number> };
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'retention', 'expected.json'), 'utf8')) as { files: Record<string, TorchFacts> };
const KEEP_LAST_1: RetentionPolicy = { keepLast: 1, keepBest: 0, keepEvery: 0, keepWithoutMetric: true, recentMinutes: 10 };

function shape(plan: PrunePlan): Record<string, string[]> {
  return Object.fromEntries(plan.runs.map((r) => [r.kind === 'folder' ? r.tag : `${r.kind}/${r.tag}`, r.units.map((u) => `${u.name}: ${u.reason}`)]));
}

test('the facts read from each Lightning and plain-loop file are what torch reads', async () => {
  const files = Object.entries(expected.files).filter(([rel]) => !rel.startsWith('hf/'));
  assert.equal(files.length, 11);
  for (const [rel, torch] of files) {
    const facts = await readCheckpointFacts(join(FIXTURES, 'retention', rel));
    const want: Record<string, unknown> = { epoch: torch.epoch, step: torch.global_step };
    const metrics: Record<string, number> = { ...torch.metrics };
    if (torch.best_metric !== undefined) metrics.best_metric = torch.best_metric;
    const mc = torch.model_checkpoint;
    if (mc) {
      metrics[mc.monitor] = mc.current_score;
      metrics[`best_${mc.monitor}`] = mc.best_model_score;
      want.monitor = mc.monitor;
      want.bestFile = basename(mc.best_model_path);
      want.scoredFiles = Object.entries(mc.best_k_models).map(([path, score]) => ({ name: basename(path), score }));
    }
    if (torch.max_epochs !== undefined) want.plannedEpochs = torch.max_epochs;
    assert.deepEqual(facts, { metrics, ...want }, rel);
  }
});

test('a Lightning run: the best comes from its ModelCheckpoint state, and it stopped early before max_epochs', async () => {
  const { root, cleanup } = copyFixtures('retention');
  try {
    const plan = await planListing(await listRoot(join(root, 'retention', 'lightning')), () => KEEP_LAST_1);
    assert.deepEqual(shape(plan).checkpoints, [
      'epoch=0-step=10.ckpt: deleted: not in latest 1',
      "epoch=1-step=20.ckpt: kept: best val_loss, Lightning's best_model_path",
      'epoch=2-step=30.ckpt: deleted: not in latest 1',
      'epoch=3-step=40.ckpt: kept: newest, in latest 1',
      'last.ckpt: kept: named "last.ckpt"',
    ]);
    assert.deepEqual(plan.runs[0]!.metric, { name: 'val_loss', mode: 'min' });
    assert.equal(plan.runs[0]!.status.text, 'stopped early after 4 of 6 epochs');
    // Without the pickles, nothing knows which epoch was best: only the names protect.
    const blind = await planListing(await listRoot(join(root, 'retention', 'lightning')), () => KEEP_LAST_1, { readCheckpoints: false });
    assert.equal(shape(blind).checkpoints![1], 'epoch=1-step=20.ckpt: deleted: not in latest 1');
  } finally {
    cleanup();
  }
});

test('a plain loop: best by the metrics each file carries; best.pt and last.pt by name; keep-best by val_acc (max)', async () => {
  const { root, cleanup } = copyFixtures('retention');
  try {
    const dir = join(root, 'retention', 'plain');
    const plan = await planListing(await listRoot(dir), () => ({ ...KEEP_LAST_1, keepLast: 0, keepBest: 2, metric: 'val_acc' }));
    // val_acc rises every epoch (0.5 + epoch/16): the two best are the two latest, and max is inferred.
    assert.deepEqual(shape(plan).checkpoints, [
      'epoch_1.pt: deleted: not in best 2 by val_acc',
      'epoch_2.pt: deleted: not in best 2 by val_acc',
      'epoch_3.pt: kept: in best 2 by val_acc',
      'epoch_4.pt: kept: newest, best val_acc, in best 2 by val_acc',
      'best.pt: kept: named "best.pt"',
      'last.pt: kept: named "last.pt"',
    ]);
    assert.deepEqual(plan.runs[0]!.metric, { name: 'val_acc', mode: 'max' });
    const byLoss = await planListing(await listRoot(dir), () => KEEP_LAST_1);
    assert.equal(shape(byLoss).checkpoints![1], 'epoch_2.pt: kept: best val_loss');
  } finally {
    cleanup();
  }
});

test('a Hugging Face run of four checkpoint-N folders: best from trainer_state.json, stopped at 400 of max_steps 1000', async () => {
  const { root, cleanup } = copyFixtures('retention');
  try {
    const plan = await planListing(await listRoot(join(root, 'retention', 'hf')), () => KEEP_LAST_1);
    assert.deepEqual(shape(plan)['.'], [
      'checkpoint-100: deleted: not in latest 1',
      "checkpoint-200: kept: best eval_loss, the Trainer's best_model_checkpoint",
      'checkpoint-300: deleted: not in latest 1',
      'checkpoint-400: kept: newest, in latest 1',
    ]);
    assert.equal(plan.runs[0]!.status.text, 'stopped early at step 400 of 1000');
    // checkpoint-300 holds DeepSpeed's global_step300/: it counts, and goes with the folder.
    const c300 = plan.runs[0]!.units[2]!;
    assert.ok(c300.bytes > plan.runs[0]!.units[0]!.bytes + 10_000, `${c300.bytes}`);
  } finally {
    cleanup();
  }
});

test('the sample nanochat home: per tag the newest and the best kept, every rank of a deleted step planned', async () => {
  const { root, cleanup } = copyFixtures('nanochat');
  try {
    const home = join(root, 'nanochat');
    const plan = await planListing(await listRoot(home), () => KEEP_LAST_1);
    assert.deepEqual(shape(plan), {
      'base/d2': ['step 000100: deleted: not in latest 1', 'step 000200: kept: newest, best val_bpb, in latest 1'],
      'base/d4': ['step 000100: deleted: not in latest 1', 'step 000200: kept: best val_bpb', 'step 000300: kept: newest, in latest 1'],
      'mid/d4': ['step 000050: deleted: not in latest 1', 'step 000100: kept: newest, best val_bpb, in latest 1'],
      'sft/d4': ['step 000025: deleted: not in latest 1', 'step 000050: kept: newest, best val_bpb, in latest 1'],
      'rl/d4': ['step 000010: deleted: not in latest 1', 'step 000020: kept: newest, best val_bpb, in latest 1'],
    });
    const d4 = plan.runs.find((r) => r.kind === 'base' && r.tag === 'd4')!;
    assert.deepEqual(
      d4.units[0]!.files.map((f) => basename(f)),
      ['model_000100.pt', 'meta_000100.json', 'optim_000100_rank0.pt', 'optim_000100_rank1.pt'],
    );
  } finally {
    cleanup();
  }
});

test('the sample workspace: Lightning finished at max_epochs, the Trainer run at max_steps', async () => {
  const { root, cleanup } = copyFixtures('workspace');
  try {
    const plan = await planListing(await listRoot(join(root, 'workspace')), () => KEEP_LAST_1);
    const status = Object.fromEntries(plan.runs.map((r) => [r.tag, r.status.text]));
    assert.deepEqual(status, {
      checkpoints: 'no planned length recorded',
      hf: 'finished: step 200 of 200',
      lightning: 'finished: 2 of 2 epochs',
      out: 'no planned length recorded',
    });
  } finally {
    cleanup();
  }
});

test('hostile and broken files: a plan reads their pickles without running anything, and keeps them when it cannot judge them', async () => {
  const marker = '/tmp/checkpoint-manager-pwned';
  const { root, cleanup } = copyFixtures('hostile', 'broken');
  try {
    const had = existsSync(marker);
    const plan = await planListing(await listRoot(root), () => ({ ...KEEP_LAST_1, keepLast: 0, keepBest: 1 }));
    assert.equal(existsSync(marker), had, 'a hostile pickle ran');
    assert.deepEqual(plan.runs.map((r) => [r.tag, r.units.length, r.units.filter((u) => !u.keep).length]), [['broken', 10, 0], ['hostile', 10, 0]]);
    const warnings = plan.runs.flatMap((r) => r.warnings);
    assert.ok(warnings.includes(`${join(root, 'broken', 'lfs_pointer.pt')}: This file is a Git LFS pointer, not the checkpoint itself: run \`git lfs pull\` to fetch it; its metrics are unknown`), warnings.join('\n'));
    assert.equal(warnings.length, 7);
  } finally {
    cleanup();
  }
});
