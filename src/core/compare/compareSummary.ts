// The comparison in one plain sentence, for the report's first line: how many of the model's
// tensors changed and how much (the median rel_l2), what only one side has, and whether only
// values (step, metrics) differ.
import { formatMetric, plural } from '../format';
import type { CompareReport } from './compareReport';

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function compareSummary(r: Omit<CompareReport, 'summary'>): string {
  if (r.equal) return 'A and B are the same: every tensor is identical and no value differs.';
  const k = r.counts;
  const common = k.identical.tensors + k.changed.tensors + k.mismatched.tensors;
  const parts: string[] = [];
  if (common === 0 && k.only_in_a.tensors + k.only_in_b.tensors > 0) parts.push('A and B share no tensor names');
  else if (k.changed.tensors === 0 && k.mismatched.tensors === 0) parts.push(`all ${plural(common, 'common tensor')} are identical`);
  else {
    const pct = Math.round((100 * k.changed.tensors) / common);
    const rel = median(r.changed.map((c) => c.rel_l2));
    parts.push(`${pct}% of the ${plural(common, 'common tensor')} changed${Number.isNaN(rel) ? '' : `, median rel_l2 ${formatMetric(rel, 2)}`}`);
  }
  const apart: string[] = [];
  if (k.mismatched.tensors) apart.push(`${k.mismatched.tensors} with another dtype or shape`);
  if (k.only_in_a.tensors) apart.push(`${k.only_in_a.tensors} only in A`);
  if (k.only_in_b.tensors) apart.push(`${k.only_in_b.tensors} only in B`);
  if (apart.length) parts.push(apart.join(', '));
  if (r.values.length) parts.push(`${plural(r.values.length, 'value')} differ${r.values.length === 1 ? 's' : ''}`);
  const o = r.optimizer;
  if (o.changed.length + o.only_in_a.length + o.only_in_b.length + o.mismatched.length + o.values.length > 0) parts.push('the optimizer state differs');
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
