// The streamed comparison of two tensors (stats/tensorDiff.ts) on synthetic bytes: the result
// does not depend on how either stream is chunked, bytes-equal leading chunks (read once more
// for A's norm) give what summing every element gives, identical bytes do no arithmetic, and
// bad input (streams of different lengths, a cancel) ends in an error, not a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffStats } from '../../src/core/stats/diffMoments';
import type { DiffStats } from '../../src/core/stats/diffMoments';
import { diffTensorStreams } from '../../src/core/stats/tensorDiff';
import type { TensorDiffResult } from '../../src/core/stats/tensorDiff';

/** The bytes of `values` in chunks of `size` bytes (the last one shorter). */
function chunked(values: Float32Array | Float64Array, size: number): () => AsyncIterable<Uint8Array> {
  const bytes = new Uint8Array(values.buffer.slice(0));
  return async function* () {
    for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, Math.min(bytes.length, at + size));
  };
}

/** The definitions, element by element, in float64: what the streamed sums must come to. */
function reference(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): DiffStats {
  let sumAbs = 0, max = 0, sd = 0, sa = 0, sb = 0, dot = 0, notClose = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sumAbs += Math.abs(d);
    max = Math.max(max, Math.abs(d));
    sd += d * d;
    sa += a[i] * a[i];
    sb += b[i] * b[i];
    dot += a[i] * b[i];
    if (!(a[i] === b[i] || Math.abs(d) <= atol + rtol * Math.abs(a[i]))) notClose++;
  }
  return { mean_abs_diff: sumAbs / a.length, max_abs_diff: max, rel_l2: Math.sqrt(sd) / Math.sqrt(sa), cosine: dot / Math.sqrt(sa) / Math.sqrt(sb), not_close: notClose };
}

function statsOf(r: TensorDiffResult): DiffStats {
  assert.ok(!r.identical && 'diff' in r, 'expected a difference');
  return diffStats(r.diff);
}

function near(got: DiffStats, want: DiffStats): void {
  for (const k of ['mean_abs_diff', 'max_abs_diff', 'rel_l2', 'cosine'] as const) {
    assert.ok(Math.abs(got[k] - want[k]) <= 1e-12 * Math.abs(want[k]), `${k}: ${got[k]} vs ${want[k]}`);
  }
  assert.equal(got.not_close, want.not_close);
}

const n = 40_000;
const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 2);
const late = Float32Array.from(a, (v, i) => (i >= 30_000 ? v + 1e-3 * Math.cos(i) : v));

test('chunk sizes of either side do not change the result, even cutting elements in half', async () => {
  const want = reference(a, late, 1.3e-6, 1e-5);
  for (const [sa, sb] of [[n * 4, n * 4], [4096, 1000 * 4], [6, 10], [16 * 1024, 7]]) {
    near(statsOf(await diffTensorStreams('float32', chunked(a, sa), chunked(late, sb))), want);
  }
});

test('equal leading chunks skipped by bytes, then summed again, give what summing everything gives', async () => {
  const skipped = await diffTensorStreams('float32', chunked(a, 4096), chunked(late, 4096));
  const summed = await diffTensorStreams('float32', chunked(a, 4096), chunked(late, 4096), { values: true });
  near(statsOf(skipped), statsOf(summed));
  assert.equal(statsOf(skipped).not_close, reference(a, late, 1.3e-6, 1e-5).not_close);
});

test('identical bytes are identical; float64 and float32 agree on the same values', async () => {
  assert.deepEqual(await diffTensorStreams('float32', chunked(a, 1000), chunked(a.slice(), 333)), { identical: true });
  const a64 = Float64Array.from(a);
  const late64 = Float64Array.from(late);
  near(statsOf(await diffTensorStreams('float64', chunked(a64, 8 * 999), chunked(late64, 8 * 1000))), reference(a64, late64, 1e-7, 1e-7));
});

test('progress counts both sides\' bytes and ends at their sum', async () => {
  let done = 0;
  await diffTensorStreams('float32', chunked(a, 4096), chunked(late, 4096), { progress: (bytes) => (done += bytes) });
  assert.equal(done, 2 * a.byteLength);
});

test('streams of different lengths fail with a clear error', async () => {
  await assert.rejects(diffTensorStreams('float32', chunked(a, 4096), chunked(a.subarray(0, 100).slice(), 64)), /ended before/);
  await assert.rejects(diffTensorStreams('float32', chunked(a.subarray(0, 100).slice(), 64), chunked(late, 4096)), /ended before/);
});

test('a cancelled comparison rejects with the abort reason', async () => {
  const controller = new AbortController();
  let chunks = 0;
  const task = diffTensorStreams('float32', chunked(a, 256), chunked(late, 256), {
    signal: controller.signal,
    progress: () => {
      if (++chunks === 3) controller.abort(new Error('stop here'));
    },
  });
  await assert.rejects(task, /stop here/);
});

test('a dtype without plain values is compared by bytes only', async () => {
  const c = Float32Array.of(1, 2, 3, 4);
  const d = Float32Array.of(1, 2, 3, 5);
  const r = await diffTensorStreams('complex64', chunked(c, 16), chunked(d, 16));
  assert.ok(!r.identical && 'unsupported' in r && /complex64/.test(r.unsupported));
  assert.deepEqual(await diffTensorStreams('complex64', chunked(c, 16), chunked(c.slice(), 8)), { identical: true });
});
