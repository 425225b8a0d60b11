// Tensor statistics against what torch computed in float64 (test/fixtures/build_stats.py):
// every dtype torch saves, float8 from safetensors, NaN/Inf/zeros, strided and offset views,
// empty, scalar and constant tensors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { computeTensorStats } from '../../src/core/stats/tensorStats';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { tensorChunks } from '../../src/core/torch/tensorBytes';
import { numel } from '../../src/core/torch/tensorRef';
import { walkTensors } from '../../src/core/torch/tensorWalk';

import { assertStatsMatch, close, expectedStats as expected, statsDir as dir } from './support/statsExpected';

async function statsOf(file: string): Promise<Map<string, TensorStats & { dtype: string }>> {
  const source = await FileByteSource.open(join(dir, file));
  try {
    const ckpt = await openCheckpoint(source);
    const out = new Map<string, TensorStats & { dtype: string }>();
    for (const { path, tensor } of walkTensors(ckpt.root)) {
      const t = tensor.payload;
      const stats = await computeTensorStats(t.dtype.name, t.dtype.itemsize, numel(t.shape), () => tensorChunks(ckpt, t));
      out.set(path, { dtype: t.dtype.name, ...stats });
    }
    return out;
  } finally {
    await source.close();
  }
}

for (const [file, tensors] of Object.entries(expected.files)) {
  test(`statistics of every tensor in stats/${file} match torch`, async () => {
    const got = await statsOf(file);
    assert.deepEqual([...got.keys()].sort(), Object.keys(tensors).sort());
    for (const [path, want] of Object.entries(tensors)) {
      const s = got.get(path)!;
      assert.equal(s.dtype, want.dtype, path);
      assertStatsMatch(s, want, path);
    }
  });
}

test('statistics stop when the signal aborts', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stopped by the test'));
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(16);
  };
  await assert.rejects(computeTensorStats('float32', 4, 4, chunks, { signal: controller.signal }), /stopped by the test/);
});

test('statistics re-chunk streams that split elements', async () => {
  const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const bytes = new Uint8Array(values.buffer);
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    yield bytes.subarray(0, 5);
    yield bytes.subarray(5, 13);
    yield bytes.subarray(13);
  };
  const s = await computeTensorStats('float32', 4, 6, chunks);
  assert.deepEqual([s.min, s.max, s.mean, s.count], [1, 6, 3.5, 6]);
  close(s.std, Math.sqrt(3.5), 'std', 1e-15);
});

test('quantized dtypes are refused with a sentence', async () => {
  const chunks = async function* (): AsyncGenerator<Uint8Array> {};
  await assert.rejects(computeTensorStats('qint8', 1, 0, chunks), /statistics of qint8 tensors are not supported/);
});
