// The SIMD statistics kernels (src/core/stats/wasm/statsKernels.wat) against the exact TypeScript
// loops they stand in for: same bins for every value, edges and maxima included; same min, max
// and zero counts; the same mean and spread to rounding; NaN and infinities left to the loops.
// And the bytes committed beside the kernels' text are the text's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { exactHistogram, float32Histogram, float64Histogram, histogramEdges } from '../../src/core/stats/histogram';
import { exactMoments, float32Moments, float64Moments } from '../../src/core/stats/moments';
import type { MomentsPartial } from '../../src/core/stats/moments';
import { wasmMoments, wasmPieceElements } from '../../src/core/stats/wasmKernels';

const root = join(__dirname, '..', '..', '..');

/** A seeded generator (mulberry32), so a failure can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Values with edges, zeros, negative zeros, the extremes and (optionally) NaN and infinities. */
function values(n: number, seed: number, special: boolean): number[] {
  const rand = random(seed);
  const out = Array.from({ length: n }, () => normal(rand) * 3);
  const edges = histogramEdges(Math.min(...out.slice(0, 1000)), Math.max(...out.slice(0, 1000)), 64);
  for (let i = 0; i < n; i += 97) out[i] = edges[Math.floor(rand() * edges.length)]; // on the edges
  for (let i = 5; i < n; i += 1013) out[i] = i % 2 ? 0 : -0;
  if (special) {
    out[Math.floor(n / 2)] = NaN;
    out[n - 3] = Infinity;
    out[7] = -Infinity;
  }
  return out;
}

function assertMomentsClose(actual: MomentsPartial, expected: MomentsPartial): void {
  for (const key of ['n', 'min', 'max', 'zeros', 'nan', 'posinf', 'neginf'] as const) assert.equal(actual[key], expected[key], key);
  assert.ok(Math.abs(actual.mean - expected.mean) <= 1e-12 * Math.max(1, Math.abs(expected.mean)), `mean ${actual.mean} vs ${expected.mean}`);
  assert.ok(Math.abs(actual.m2 - expected.m2) <= 1e-9 * Math.max(1, expected.m2), `m2 ${actual.m2} vs ${expected.m2}`);
}

test('the SIMD kernels are there: this Node has WebAssembly SIMD, and a piece goes through them', () => {
  const a = new Float32Array([1, 2, 3, 4, 5]);
  assert.ok(wasmPieceElements(a) > 0);
  const sums = wasmMoments(a);
  assert.ok(sums, 'a finite piece is summed by the kernel');
  assert.deepEqual({ n: sums.n, min: sums.min, max: sums.max, zeros: sums.zeros }, { n: 4, min: 1, max: 4, zeros: 0 });
  assert.equal(wasmMoments(new Float32Array([1, NaN, 3, 4])), undefined, 'a NaN sends the piece to the exact loop');
});

for (const [name, Array_, moments, histogram, exact] of [
  ['float32', Float32Array, float32Moments, float32Histogram, { moments: exactMoments.float32, histogram: exactHistogram.float32 }],
  ['float64', Float64Array, float64Moments, float64Histogram, { moments: exactMoments.float64, histogram: exactHistogram.float64 }],
] as const) {
  // Lengths around the kernels' steps (4 and 2 elements) and pieces (1 MiB), with and without NaN.
  for (const [n, special] of [[3, false], [4, false], [1001, false], [1001, true], [300_003, false], [300_003, true], [600_001, true]] as const) {
    test(`${name}: ${n} values${special ? ' with NaN and infinities' : ''} give the exact loops' moments and bins`, () => {
      const a = Array_.from(values(n, n * 7 + (special ? 1 : 0), special));
      assertMomentsClose(moments(a), exact.moments(a));
      const m = exact.moments(a);
      const edges = histogramEdges(m.min, m.max, 64);
      const got = new Float64Array(64);
      const want = new Float64Array(64);
      histogram(a, edges, got);
      exact.histogram(a, edges, want);
      assert.deepEqual([...got], [...want]);
      assert.equal(got.reduce((s, c) => s + c, 0), m.n, 'every finite value is in a bin');
    });
  }
}

test('a constant array and a one-value range put everything in one bin', () => {
  const a = new Float32Array(1000).fill(2.5);
  const edges = histogramEdges(2.5, 2.5, 64);
  const got = new Float64Array(64);
  float32Histogram(a, edges, got);
  const want = new Float64Array(64);
  exactHistogram.float32(a, edges, want);
  assert.deepEqual([...got], [...want]);
  assert.equal(Math.max(...got), 1000);
});

test('the committed WebAssembly bytes are the ones its text assembles to', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
