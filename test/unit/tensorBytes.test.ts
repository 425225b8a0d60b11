// Strided gathering and byte swapping, on storages built in memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtypeByName } from '../../src/core/torch/dtypes';
import type { DType } from '../../src/core/torch/dtypes';
import type { StorageReader } from '../../src/core/torch/tensorBytes';
import { tensorChunks } from '../../src/core/torch/tensorBytes';
import type { TensorRef } from '../../src/core/torch/tensorRef';
import { CorruptError } from '../../src/core/errors';

function checkpointOver(bytes: Uint8Array, littleEndian = true): StorageReader {
  return {
    littleEndian,
    readStorage: async (_s, offset, length) => bytes.subarray(offset, offset + length),
  };
}

function tensor(dtype: DType, shape: number[], stride: number[], storageOffset: number, nbytes: number): TensorRef {
  return { dtype, shape, stride, storageOffset, storage: { key: '0', dtype, nbytes, location: 'cpu' }, requiresGrad: false, parameter: false };
}

async function collect(ckpt: StorageReader, t: TensorRef): Promise<number[]> {
  const out: number[] = [];
  for await (const c of tensorChunks(ckpt, t)) out.push(...c);
  return out;
}

const u8 = dtypeByName('uint8') as DType;
const i16 = dtypeByName('int16') as DType;
const c64 = dtypeByName('complex64') as DType;

test('a transposed tensor comes out in row-major order', async () => {
  // storage 0..5 as a 2x3 matrix; its transpose is 3x2 with strides (1, 3).
  const storage = Uint8Array.from([0, 1, 2, 3, 4, 5]);
  assert.deepEqual(await collect(checkpointOver(storage), tensor(u8, [3, 2], [1, 3], 0, 6)), [0, 3, 1, 4, 2, 5]);
});

test('a slice with a storage offset and a step reads only its elements', async () => {
  const storage = Uint8Array.from([9, 9, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual(await collect(checkpointOver(storage), tensor(u8, [3], [2], 2, 8)), [10, 12, 14]);
});

test('a broadcast (stride 0) tensor repeats its element', async () => {
  assert.deepEqual(await collect(checkpointOver(Uint8Array.from([7])), tensor(u8, [2, 2], [0, 0], 0, 1)), [7, 7, 7, 7]);
});

test('big-endian storages are swapped per element; complex per half', async () => {
  const be16 = Uint8Array.from([0x01, 0x02, 0x03, 0x04]);
  assert.deepEqual(await collect(checkpointOver(be16, false), tensor(i16, [2], [1], 0, 4)), [0x02, 0x01, 0x04, 0x03]);
  const beC = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(await collect(checkpointOver(beC, false), tensor(c64, [1], [1], 0, 8)), [4, 3, 2, 1, 8, 7, 6, 5]);
});

test('empty and 0-d tensors', async () => {
  assert.deepEqual(await collect(checkpointOver(new Uint8Array(0)), tensor(u8, [3, 0], [0, 1], 0, 0)), []);
  assert.deepEqual(await collect(checkpointOver(Uint8Array.from([42])), tensor(u8, [], [], 0, 1)), [42]);
});

test('a tensor that reaches past its storage is a corrupt file, not a read past the end', async () => {
  await assert.rejects(collect(checkpointOver(new Uint8Array(4)), tensor(i16, [4], [1], 0, 4)), CorruptError);
});

test('a broadcast view (stride 0) is read out while it repeats little, and refused past 1 GiB of repeats', async () => {
  const f32 = dtypeByName('float32') as DType;
  const bytes = Float32Array.of(1.5, -2).buffer;
  const ckpt = checkpointOver(new Uint8Array(bytes));
  // expand(3, 2) of two elements: read as torch's .contiguous() holds it.
  const small = new Float32Array(Uint8Array.from(await collect(ckpt, tensor(f32, [3, 2], [0, 1], 0, 8))).buffer);
  assert.deepEqual([...small], [1.5, -2, 1.5, -2, 1.5, -2]);
  // A few bytes claiming 2^40 elements: refused before any is made.
  const huge = tensor(f32, [2 ** 20, 2 ** 20], [0, 0], 0, 8);
  await assert.rejects(collect(ckpt, huge), /1099511627776 elements views only 1 of its storage.*broadcast view/);
});
