// What the report tells a person, on checkpoints real PyTorch wrote in each common layout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectFile } from '../../src/core/inspect/inspectFile';

const fixture = (p: string): string => join(__dirname, '..', '..', '..', 'test', 'fixtures', p);

test('nanochat model file: a flat state dict with dotted keys, step and val_bpb from meta_<step>.json', async () => {
  const r = await inspectFile(fixture('nanochat/base_checkpoints/d2/model_000100.pt'));
  assert.equal(r.modelKey, '');
  assert.equal(r.step, 100);
  assert.equal(r.depth, 2);
  assert.deepEqual(Object.keys(r.metrics), ['val_bpb']);
  // model_config is the architecture; user_config is the run's config.
  assert.deepEqual(r.architecture, { sequence_len: 64, vocab_size: 64, n_layer: 2, n_head: 2, n_kv_head: 2, n_embd: 16 });
  assert.deepEqual(r.config, { run: 'fixture', depth: 2, device_batch_size: 4, total_batch_size: 256, matrix_lr: 0.02, embedding_lr: 0.004 });
  assert.deepEqual(r.keys[0], { key: 'transformer.wte.weight', type: 'Tensor', value: 'Tensor[bfloat16, 64×16]', tensors: 1, elements: 1024, bytes: 2048 });
  assert.equal(r.modelParameters, r.parameters);
  assert.deepEqual(r.layers[0], { prefix: 'transformer.wte', tensors: 1, parameters: 1024, bytes: 2048, dtypes: ['bfloat16'] });
  assert.ok(r.layers.some((l) => l.prefix === 'transformer.h.*.attn.c_q' && l.tensors === 2));
});

test('torch.compile prefixes do not hide the depth', async () => {
  const r = await inspectFile(fixture('nanochat/mid_checkpoints/d4/model_000100.pt'));
  assert.ok(r.tensors.every((t) => t.path.startsWith('_orig_mod.')));
  assert.equal(r.depth, 4);
  assert.ok(r.layers.some((l) => l.prefix === 'transformer.h.*.mlp.c_fc'));
});

test('nanochat optimizer shard: no model weights, everything counted as tensors', async () => {
  const r = await inspectFile(fixture('nanochat/base_checkpoints/d4/optim_000200_rank0.pt'));
  assert.equal(r.modelKey, undefined);
  assert.equal(r.modelParameters, 0);
  assert.ok(r.parameters > 0);
  assert.deepEqual(r.layers, []);
});

test('plain training loop: model under model_state_dict, epoch, step, metrics and config from the file', async () => {
  const r = await inspectFile(fixture('workspace/checkpoints/best.pt'));
  assert.equal(r.modelKey, 'model_state_dict');
  assert.ok(r.modelParameters < r.parameters, 'optimizer state is not model weights');
  assert.equal(r.epoch, 1);
  assert.equal(r.step, 10);
  assert.equal(r.metrics.best_metric, 0.8125);
  assert.equal(r.config?.optimizer, 'adamw');
  assert.deepEqual(r.keys.map((k) => k.key), ['epoch', 'global_step', 'model_state_dict', 'optimizer_state_dict', 'scheduler_state_dict', 'config', 'metrics', 'best_metric']);
});

test('nanoGPT: tied lm_head/wte saved as two tensors on one storage count once in the model', async () => {
  const r = await inspectFile(fixture('workspace/out/ckpt.pt'));
  assert.equal(r.modelKey, 'model');
  assert.equal(r.step, 750);
  // best_val_loss is a 0-d float32 tensor; torch reads it as tensor(4.3075).
  assert.deepEqual(r.metrics, { best_val_loss: Math.fround(4.3075) });
  const wte = r.tensors.find((t) => t.path === 'model.transformer.wte.weight');
  const head = r.tensors.find((t) => t.path === 'model.lm_head.weight');
  assert.ok(wte && head);
  const modelTensors = r.tensors.filter((t) => t.path.startsWith('model.'));
  const naive = modelTensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(r.modelParameters, naive - wte.shape.reduce((a, b) => a * b, 1));
});

test('Lightning: weights under state_dict, epoch and global_step', async () => {
  const r = await inspectFile(fixture('workspace/lightning/epoch=1-step=20.ckpt'));
  assert.equal(r.modelKey, 'state_dict');
  assert.equal(r.step, 20);
  assert.equal(r.epoch, 1);
});

test('safetensors with dotted names is a flat state dict; metrics from trainer_state.json', async () => {
  const r = await inspectFile(fixture('workspace/hf/checkpoint-200/model.safetensors'));
  assert.equal(r.format, 'safetensors');
  assert.equal(r.modelKey, '');
  assert.equal(r.step, 200);
  assert.ok('eval_loss' in r.metrics);
  assert.deepEqual(r.security, { verdict: 'safe', globals: [], dangerous: [], suspicious: [] });
});

test('TorchScript: module attributes become paths; the verdict is suspicious and says why', async () => {
  const r = await inspectFile(fixture('formats/torchscript.pt'));
  assert.equal(r.format, 'torchscript');
  assert.equal(r.security.verdict, 'suspicious');
  assert.ok(r.security.suspicious.every((g) => g.startsWith('__torch__.')));
  assert.ok(r.notes.some((n) => /TorchScript/.test(n)));
});
