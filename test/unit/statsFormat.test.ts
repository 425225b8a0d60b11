// What the statistics panel says, as data: its rows, the chart's series and range, its name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import { formatStat, hasHistogram, histogramRange, histogramSeries, histogramSummary, percentText, statRows } from '../../src/webview/statsFormat';
import { nonFiniteText } from '../../src/webview/scanPanel';

function stats(edges: number[], counts: number[], extra: Partial<TensorStats> = {}): TensorStats {
  return { count: 6, min: edges[0]!, max: edges.at(-1)!, mean: 1, std: 0.5, zeros: 1, nan: 0, posinf: 0, neginf: 0, histogram: { edges, counts }, ...extra };
}

test('the rows name every statistic, exact values in the tooltips, a dash where there is none', () => {
  const s = stats([0, 1, 2], [2, 4], { count: 1234567, mean: 0.123456789, std: null, nan: 3, posinf: 12345 });
  assert.deepEqual(
    statRows(s, 'bfloat16').map((r) => [r.label, r.text, r.exact]),
    [
      ['dtype', 'bfloat16', 'bfloat16'],
      ['count', '1,234,567', '1234567'],
      ['min', '0', '0'],
      ['max', '2', '2'],
      ['mean', '0.123457', '0.123456789'],
      ['std', '—', 'none'],
      ['zeros', '1', '1'],
      ['NaN', '3', '3'],
      ['+Inf', '12,345', '12345'],
      ['-Inf', '0', '0'],
    ],
  );
  // Integers stay exact (int64 extremes too); other values get an exponent when tiny or huge.
  assert.deepEqual([formatStat(null), formatStat(1e-9), formatStat(-3.25e12 - 0.5), formatStat(-3.25e12)], ['—', '1.00000e-9', '-3.25000e+12', '-3250000000000']);
});

test('the series are the left edges and counts; the range is the edges', () => {
  const s = stats([-1, 0, 1, 2], [1, 3, 2]);
  assert.deepEqual(histogramSeries(s), { x: [-1, 0, 1], y: [1, 3, 2] });
  assert.deepEqual(histogramRange(s), [-1, 2]);
  assert.equal(histogramSummary(s), 'Histogram of 6 finite values in 3 bins from -1 to 2; the fullest bin, 0 to 1, holds 3.');
});

test('a constant tensor is drawn as one bar at its value, in a widened range', () => {
  const s = stats([0.75, 0.75, 0.75, 0.75, 0.75], [0, 0, 0, 100], { min: 0.75, max: 0.75 });
  const [lo, hi] = histogramRange(s);
  assert.deepEqual([lo, hi], [0.375, 1.125]);
  const { x, y } = histogramSeries(s);
  assert.deepEqual(y, [0, 0, 100, 0]);
  assert.equal(x[2], 0.75, 'the bar starts at the value');
  assert.ok(x.every((v, i) => i === 0 || v > x[i - 1]!), 'bins strictly increase');
});

test('nothing to draw without finite values', () => {
  const s = stats([0, 0, 0], [0, 0], { min: null, max: null, nan: 6 });
  assert.equal(hasHistogram(s), false);
  assert.equal(histogramSummary(s), 'Histogram: no finite values to draw.');
});

test('progress text and the scan line', () => {
  assert.deepEqual([percentText(1, 3), percentText(3, 3), percentText(0, 0)], ['33%', '100%', '']);
  assert.equal(nonFiniteText({ path: 'w', dtype: 'float16', count: 4096, nan: 1, posinf: 0, neginf: 2 }), 'NaN 1, -Inf 2 of 4,096');
});
