// What the statistics panel says about a tensor, as plain data: the rows of its table, the
// histogram as chart series, and a sentence that names the chart for screen readers. No DOM.
import type { TensorStats } from '../core/stats/tensorStats';
import { formatInteger, formatMetric, plural } from '../core/format';

export interface StatRow {
  label: string;
  text: string;
  /** The exact value, for the tooltip. */
  exact: string;
}

/** Significant digits shown for min, max, mean and std (the tooltip has every digit). */
const DIGITS = 6;

/** A statistic as the panel shows it; `—` when there is none (no finite element, or one for std). */
export function formatStat(value: number | null): string {
  return value === null ? '—' : formatMetric(value, DIGITS);
}

/** The table's rows, in the order the panel shows them. */
export function statRows(stats: TensorStats, dtype: string): StatRow[] {
  const real = (label: string, v: number | null): StatRow => ({ label, text: formatStat(v), exact: v === null ? 'none' : String(v) });
  const count = (label: string, v: number): StatRow => ({ label, text: formatInteger(v), exact: String(v) });
  return [
    { label: 'dtype', text: dtype, exact: dtype },
    count('count', stats.count),
    real('min', stats.min),
    real('max', stats.max),
    real('mean', stats.mean),
    real('std', stats.std),
    count('zeros', stats.zeros),
    count('NaN', stats.nan),
    count('+Inf', stats.posinf),
    count('-Inf', stats.neginf),
  ];
}

/** True when there is something to draw: finite elements and a histogram with counts. */
export function hasHistogram(stats: TensorStats): boolean {
  return stats.min !== null && stats.histogram.counts.some((c) => c > 0);
}

/** The x range to draw: the edges, widened around a constant tensor (all edges equal). */
export function histogramRange(stats: TensorStats): [number, number] {
  const { edges } = stats.histogram;
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 0;
  if (hi > lo) return [lo, hi];
  const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.5 : 0.5;
  return [lo - pad, hi + pad];
}

/**
 * The histogram as two series for the chart: each bin's left edge, and its count. A constant
 * tensor's bins all have one edge, which no bar can be drawn on: its count is drawn as one bar
 * starting at the value, on bins spread over the widened range.
 */
export function histogramSeries(stats: TensorStats): { x: number[]; y: number[] } {
  const { edges, counts } = stats.histogram;
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 0;
  if (hi > lo || counts.length === 0) return { x: counts.map((_, i) => edges[i]!), y: [...counts] };
  const [from, to] = histogramRange(stats);
  const n = counts.length;
  const x = counts.map((_, i) => from + ((to - from) * i) / n);
  const y = new Array<number>(n).fill(0);
  y[Math.floor(n / 2)] = counts.reduce((a, b) => a + b, 0);
  return { x, y };
}

/** One sentence naming the chart: bins, range, how many values, and the fullest bin. */
export function histogramSummary(stats: TensorStats): string {
  const { edges, counts } = stats.histogram;
  const finite = counts.reduce((a, b) => a + b, 0);
  if (!hasHistogram(stats)) return 'Histogram: no finite values to draw.';
  let top = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[top]!) top = i;
  return (
    `Histogram of ${plural(finite, 'finite value')} in ${counts.length} bins from ${formatStat(stats.min)} to ${formatStat(stats.max)}; ` +
    `the fullest bin, ${formatStat(edges[top]!)} to ${formatStat(edges[top + 1]!)}, holds ${formatInteger(counts[top]!)}.`
  );
}

/** A percentage of bytes read, for the progress bar's text. */
export function percentText(done: number, total: number): string {
  return total > 0 ? `${Math.floor((Math.min(done, total) / total) * 100)}%` : '';
}
