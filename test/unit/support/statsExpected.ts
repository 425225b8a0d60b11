// Torch's statistics of the stats fixtures (test/fixtures/build_stats.py), and the one check of a
// computed TensorStats against them that every statistics test uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorStats } from '../../../src/core/stats/tensorStats';

export const statsDir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'stats');
export type ExpectedStats = TensorStats & { dtype: string };
export const expectedStats = JSON.parse(readFileSync(join(statsDir, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, ExpectedStats>> };

/** Within `rel` of the larger of |want| and `scale` (a mean near zero of big values carries their rounding). */
export function close(actual: number | null, want: number | null, what: string, rel: number, scale = 1): void {
  if (want === null || actual === null) return assert.equal(actual, want, what);
  const tolerance = rel * Math.max(scale, Math.abs(want));
  assert.ok(Math.abs(actual - want) <= tolerance, `${what}: ${actual} vs torch's ${want}`);
}

export function assertStatsMatch(s: TensorStats, want: ExpectedStats, path: string): void {
  // Complex magnitudes: torch's hypot and ours may differ in the last bit.
  const rel = want.dtype.startsWith('complex') ? 1e-12 : 1e-13;
  for (const k of ['count', 'zeros', 'nan', 'posinf', 'neginf'] as const) assert.equal(s[k], want[k], `${path}.${k}`);
  const scale = Math.max(1, Math.abs(want.min ?? 0), Math.abs(want.max ?? 0));
  for (const k of ['min', 'max', 'mean'] as const) close(s[k], want[k], `${path}.${k}`, rel, scale);
  close(s.std, want.std, `${path}.std`, 1e-10);
  assert.equal(s.histogram.edges.length, 65, `${path} edges`);
  s.histogram.edges.forEach((e, i) => close(e, want.histogram.edges[i]!, `${path} edge ${i}`, 1e-13));
  assert.deepEqual(s.histogram.counts, want.histogram.counts, `${path} histogram counts`);
}
