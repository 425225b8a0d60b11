// What the compare report says, as plain data: the summary's rows, the largest changes, the
// chart's accessible name and the rows of its table alternative, the values of a table row for
// sorting and filtering. No DOM.
import type { ChangedTensor, CompareReport, TensorComparison } from '../core/compare/compareReport';
import type { LayerChanges } from '../core/compare/layerGroups';
import { formatBytes, formatInteger, formatMetric, plural } from '../core/format';

export type Category = 'changed' | 'identical' | 'only_in_a' | 'only_in_b' | 'mismatched';

export const CATEGORY_LABELS: Record<Category, string> = {
  changed: 'Changed',
  identical: 'Identical',
  only_in_a: 'Only in A',
  only_in_b: 'Only in B',
  mismatched: 'Mismatched (dtype or shape)',
};

export const CATEGORIES: readonly Category[] = ['changed', 'identical', 'only_in_a', 'only_in_b', 'mismatched'];

/** A statistic of a change: 4 significant digits, `—` where it is not a number. */
export function formatChange(v: number): string {
  return Number.isNaN(v) ? '—' : formatMetric(v, 4);
}

/** `12 tensors · 1.2 KiB` */
export function countText(c: TensorComparison, category: Category): string {
  const k = c.counts[category];
  return `${plural(k.tensors, 'tensor')} · ${formatBytes(k.bytes)}`;
}

/** The changed tensors with the largest rel_l2, largest first (NaN last, left out). */
export function largestChanges(report: Pick<CompareReport, 'changed'>, n = 5): ChangedTensor[] {
  return report.changed.filter((c) => !Number.isNaN(c.rel_l2)).sort((x, y) => y.rel_l2 - x.rel_l2 || x.path.localeCompare(y.path)).slice(0, n);
}

/** The chart's accessible name: what it plots, and its largest point. */
export function layerChartLabel(layers: LayerChanges): string {
  const points = layers.groups.length;
  if (points === 0) return 'Chart of rel_l2 per layer: no common tensors to plot.';
  const top = layers.groups.reduce((m, g) => (g.mean > m.mean ? g : m));
  const first = layers.positions[0]!.label;
  const last = layers.positions[layers.positions.length - 1]!.label;
  const where = /^\d+$/.test(top.position) ? `block ${top.position}` : top.position;
  return (
    `Line chart of mean rel_l2 per layer: ${plural(layers.series.length, 'line')} (${layers.series.map((s) => s.kind).join(', ')}) ` +
    `over ${plural(layers.positions.length, 'position')} from ${first} to ${last}; the largest, ${formatChange(top.mean)}, is ${top.kind} at ${where}.`
  );
}

/** The chart's table alternative: one row per point. */
export function layerRows(layers: LayerChanges): Array<{ position: string; kind: string; tensors: string; mean: string; max: string }> {
  return layers.groups.map((g) => ({ position: g.position, kind: g.kind, tensors: formatInteger(g.tensors), mean: formatChange(g.mean), max: formatChange(g.max) }));
}

/** A value of a key-by-key difference, as text (`—` when that side has none). */
export function valueText(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** True when `path` contains every whitespace-separated word of `filter` (case-insensitive). */
export function matchesFilter(path: string, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const p = path.toLowerCase();
  return words.every((w) => p.includes(w));
}
