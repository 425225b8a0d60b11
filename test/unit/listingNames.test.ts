import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hfFileRole,
  isCheckpointFileName,
  parseHfCheckpointDir,
  parseStepEpoch,
} from '../../src/core/listing/checkpointNames';
import { parseNanochatName } from '../../src/core/checkpoint/nanochatNames';

test('nanochat names give step, part and rank', () => {
  assert.deepEqual(parseNanochatName('model_000100.pt'), { part: 'model', step: 100 });
  assert.deepEqual(parseNanochatName('meta_000100.json'), { part: 'meta', step: 100 });
  assert.deepEqual(parseNanochatName('optim_000100_rank3.pt'), { part: 'optim', step: 100, rank: 3 });
  assert.equal(parseNanochatName('model_000100.pt.tmp'), undefined);
  assert.equal(parseNanochatName('model.pt'), undefined);
});

test('Hugging Face folders are checkpoint-N', () => {
  assert.equal(parseHfCheckpointDir('checkpoint-200'), 200);
  assert.equal(parseHfCheckpointDir('checkpoint-last'), undefined);
  assert.equal(parseHfCheckpointDir('checkpoints'), undefined);
});

test('checkpoint file names: weights yes, token data and others no', () => {
  const yes = ['best.pt', 'last.PTH', 'epoch=1-step=20.ckpt', 'model.safetensors', 'pytorch_model.bin', 'optimizer.bin', 'adapter_model.bin'];
  const no = ['train.bin', 'val.bin', 'notes.txt', 'meta.json', 'data.pkl', 'pt'];
  assert.deepEqual(yes.filter(isCheckpointFileName), yes);
  assert.deepEqual(no.filter(isCheckpointFileName), []);
});

test('step and epoch come from the name when it tells them', () => {
  const table: [string, ReturnType<typeof parseStepEpoch>][] = [
    ['epoch=1-step=20.ckpt', { step: 20, epoch: 1 }],
    ['epoch_2.pt', { step: null, epoch: 2 }],
    ['ckpt_1000.pt', { step: 1000 }],
    ['step-500.safetensors', { step: 500 }],
    ['iter_300.pth', { step: 300 }],
    ['best.pt', { step: null }],
    ['ckpt.pt', { step: null }],
  ];
  for (const [name, want] of table) assert.deepEqual(parseStepEpoch(name), want, name);
});

test('files in an HF checkpoint folder get their storage role', () => {
  const roles = Object.fromEntries(
    ['model.safetensors', 'model-00001-of-00002.safetensors', 'pytorch_model.bin', 'optimizer.pt', 'scheduler.pt', 'rng_state.pth', 'trainer_state.json', 'training_args.bin'].map(
      (n) => [n, hfFileRole(n)],
    ),
  );
  assert.deepEqual(roles, {
    'model.safetensors': 'model',
    'model-00001-of-00002.safetensors': 'model',
    'pytorch_model.bin': 'model',
    'optimizer.pt': 'optimizer',
    'scheduler.pt': 'other',
    'rng_state.pth': 'other',
    'trainer_state.json': 'meta',
    'training_args.bin': 'other',
  });
});
