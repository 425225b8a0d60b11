// What the report tells a person, on checkpoints real PyTorch wrote in each common layout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectFile } from '../../src/core/session/inspectFile';
import { layerPrefix, modelAndParameters } from '../../src/core/inspect/modelLayout';
import type { TensorRole } from '../../src/core/inspect/report';
import { dtypeByName } from '../../src/core/torch/dtypes';
import type { DType } from '../../src/core/torch/dtypes';
import type { TensorOccurrence } from '../../src/core/torch/tensorWalk';
import { PyOpaque } from '../../src/core/values/pyValue';

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
  assert.deepEqual(Object.keys(r.roles), ['optimizer']);
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

test('nanoGPT: tied lm_head/wte count once, the causal masks are buffers, optimizer state stays apart', async () => {
  const r = await inspectFile(fixture('workspace/out/ckpt.pt'));
  assert.equal(r.modelKey, 'model');
  assert.equal(r.step, 750);
  // best_val_loss is a 0-d float32 tensor; torch reads it as tensor(4.3075).
  assert.deepEqual(r.metrics, { best_val_loss: Math.fround(4.3075) });
  assert.deepEqual(r.tied, [{ path: 'model.lm_head.weight', sameAs: 'model.transformer.wte.weight' }]);
  assert.deepEqual(
    r.tensors.filter((t) => t.role === 'buffer').map((t) => [t.path, t.shape]),
    [['model.transformer.h.0.attn.bias', [1, 1, 32, 32]], ['model.transformer.h.1.attn.bias', [1, 1, 32, 32]]],
  );
  const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const weights = r.tensors.filter((t) => t.path.startsWith('model.') && t.role === 'parameter' && t.sameAs === undefined);
  assert.equal(r.modelParameters, weights.reduce((s, t) => s + numel(t.shape), 0));
  assert.equal(r.tensors.find((t) => t.path === 'model.transformer.h.0.attn.c_attn.bias')?.role, 'parameter', "a Linear's 1-D bias is a parameter");
  assert.deepEqual(Object.keys(r.roles), ['parameter', 'buffer', 'optimizer', 'other']);
  assert.ok(!r.layers.some((l) => l.prefix === 'transformer.h.*.attn'), 'the masks are not a layer of weights');
  assert.ok(r.tensorBytes < r.size, 'tensor bytes never exceed what the file holds');
});

test('Hugging Face pytorch_model.bin: every tensor is a weight, and the tied lm_head adds nothing', async () => {
  const r = await inspectFile(fixture('workspace/hf/checkpoint-100/pytorch_model.bin'));
  const st = await inspectFile(fixture('workspace/hf/checkpoint-100/model.safetensors'));
  assert.equal(r.modelKey, '');
  assert.deepEqual(r.tied, [{ path: 'lm_head.weight', sameAs: 'transformer.wte.weight' }]);
  // safetensors drops the tied copy: the same weights, the same counts
  assert.deepEqual([r.parameters, r.modelParameters, r.tensorBytes], [st.parameters, st.parameters, st.tensorBytes]);
  assert.ok(r.tensorBytes < r.size);
});

test("Hugging Face rng_state.pth: the generators' states are neither a model nor parameters", async () => {
  const r = await inspectFile(fixture('formats/rng_state.pth'));
  assert.equal(r.modelKey, undefined);
  assert.equal(r.modelParameters, 0);
  assert.deepEqual(r.roles, { rng: { tensors: 1, elements: 5056, bytes: 5056 } });
  assert.deepEqual(r.layers, []);
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

test('layer prefixes: the module of a tensor name, layer indices folded, wrappers dropped, odd names as they are', () => {
  const cases: Array<[string, string]> = [
    ['transformer.h.11.attn.c_q.weight', 'transformer.h.*.attn.c_q'],
    ['_orig_mod.module.h.0.mlp.0.bias', 'h.*.mlp.*'],
    ['lm_head.weight', 'lm_head'],
    ['weight', 'weight'],
    ['h.0', 'h'],
    ['0.1.weight', '*.*'],
    ['h.1a.w', 'h.1a'],
    ['h.1:.w', 'h.1:'],
    ['h./.w', 'h./'],
    ['h.١.w', 'h.١'], // Arabic-Indic digits are not layer indices (as /^\d+$/ has it)
    ['.x', ''],
    ['a..b', 'a.'],
    ['..x', '.'],
    ['a.', 'a'],
  ];
  for (const [path, prefix] of cases) assert.equal(layerPrefix(path), prefix, path);
});

test("the model's occurrences are those under its key, relative to it; its parameters are among them by role", () => {
  const t = (key: string): TensorOccurrence['tensor'] => new PyOpaque('tensor', { dtype: dtypeByName('float32') as DType, shape: [1], stride: [1], storageOffset: 0, storage: { key, dtype: dtypeByName('float32') as DType, nbytes: 4, location: 'cpu' }, requiresGrad: false, parameter: false });
  const occurrences: TensorOccurrence[] = [
    { path: 'model.h.0.w', tensor: t('0') },
    { path: 'model.h.0.mask', tensor: t('1') },
    { path: 'modelx.w', tensor: t('2') },
    { path: 'optimizer.state.0.exp_avg', tensor: t('3') },
    { path: 'model.lm_head.w', tensor: t('4') },
  ];
  const roles: TensorRole[] = ['parameter', 'buffer', 'other', 'optimizer', 'parameter'];
  const under = modelAndParameters(occurrences, 'model', roles);
  assert.deepEqual(under.model.map((o) => o.path), ['h.0.w', 'h.0.mask', 'lm_head.w']);
  assert.deepEqual(under.parameters.map((o) => o.path), ['h.0.w', 'lm_head.w']);
  assert.ok(under.parameters.every((o) => under.model.includes(o)));
  assert.deepEqual(under.model.map((o) => o.tensor), [0, 1, 4].map((i) => occurrences[i].tensor));
  const whole = modelAndParameters(occurrences, '', roles);
  assert.ok(whole.model.every((o, i) => o === occurrences[i]));
  assert.deepEqual(whole.parameters, [occurrences[0], occurrences[4]]);
  assert.deepEqual(modelAndParameters(occurrences, undefined, roles), { model: [], parameters: [] });
});
