import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSidecarCache, nanochatMetaInfo, readSidecar, trainerStateInfo } from '../../src/core/listing/sidecars';

test('a nanochat meta gives step and metrics, not config numbers', () => {
  const meta = {
    step: 500,
    val_bpb: 0.8123,
    model_config: { n_layer: 4, vocab_size: 65536 },
    device_batch_size: 32,
    max_seq_len: 2048,
    mmlu_acc: 0.31,
    user_config: { lr: 0.02 },
  };
  assert.deepEqual(nanochatMetaInfo(meta), { step: 500, metrics: { val_bpb: 0.8123, mmlu_acc: 0.31 } });
  assert.deepEqual(nanochatMetaInfo([1, 2]), { metrics: {}, problem: 'not a JSON object' });
  assert.deepEqual(nanochatMetaInfo({ step: 1, val_bpb: 'nan', metrics: { top1: 0.5 } }), { step: 1, metrics: { top1: 0.5 } });
});

test('a trainer state gives the eval metrics at its own step and the best checkpoint', () => {
  const state = {
    global_step: 200,
    best_metric: 1.1,
    best_model_checkpoint: 'out/hf/checkpoint-100',
    log_history: [
      { step: 50, loss: 2.5 },
      { step: 100, eval_loss: 1.1, eval_runtime: 3.2, eval_samples_per_second: 10 },
      { step: 150, loss: 1.9 },
      { step: 200, eval_loss: 1.3, eval_accuracy: 0.6 },
      { step: 250, eval_loss: 0.9 },
    ],
  };
  assert.deepEqual(trainerStateInfo(state), {
    step: 200,
    metrics: { loss: 1.9, eval_loss: 1.3, eval_accuracy: 0.6 },
    bestCheckpoint: 'checkpoint-100',
  });
});

test('broken sidecars give a problem and no metrics; the cache keys on size and mtime', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sidecar-'));
  try {
    const truncated = join(dir, 'meta_000001.json');
    await writeFile(truncated, '{"step": 1, "val_b');
    assert.deepEqual(readSidecar(truncated, 18, 1, nanochatMetaInfo), {
      metrics: {},
      problem: 'not valid JSON (truncated or still being written)',
    });
    assert.deepEqual(readSidecar(truncated, 0, 1, nanochatMetaInfo), { metrics: {}, problem: 'empty file' });
    assert.match(readSidecar(join(dir, 'gone.json'), 5, 1, nanochatMetaInfo).problem ?? '', /unreadable \(ENOENT\)/);

    const cache = createSidecarCache();
    const good = join(dir, 'meta_000002.json');
    await writeFile(good, '{"step": 2, "val_bpb": 0.9}');
    assert.deepEqual(readSidecar(good, 27, 7, nanochatMetaInfo, cache), { step: 2, metrics: { val_bpb: 0.9 } });
    // Same size and mtime: served from the cache even though the file changed on disk.
    await writeFile(good, '{"step": 2, "val_bpb": 0.1}');
    assert.deepEqual(readSidecar(good, 27, 7, nanochatMetaInfo, cache), { step: 2, metrics: { val_bpb: 0.9 } });
    assert.deepEqual(readSidecar(good, 27, 8, nanochatMetaInfo, cache), { step: 2, metrics: { val_bpb: 0.1 } });
    assert.equal(cache.size, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
