// The readable form of `compare` (without --json): counts per category, the tensors that moved
// most, what is only on one side, and the values that differ.
import type { CompareReport, ShardFiles, TensorComparison } from '../core/compare/compareReport';
import type { ValueDiff } from '../core/compare/compareReport';
import { formatBytes, formatMetric, plural } from '../core/format';

/** Rows shown per list; the rest are counted. */
const SHOWN = 25;

const num = (v: number): string => (Number.isNaN(v) ? 'nan' : formatMetric(v, 4));

function shown<T>(list: readonly T[], line: (item: T) => string, lines: string[], indent = '  '): void {
  for (const item of list.slice(0, SHOWN)) lines.push(indent + line(item));
  if (list.length > SHOWN) lines.push(`${indent}… ${list.length - SHOWN} more`);
}

/** The shard files of a pair, where a side is a sharded set: `  [A: f1, B: f2]`. */
function shardNote(t: ShardFiles): string {
  const parts = [...(t.file ? [`A: ${t.file}`] : []), ...(t.file_b ? [`B: ${t.file_b}`] : [])];
  return parts.length ? `  [${parts.join(', ')}]` : '';
}

function tensorSection(c: TensorComparison, lines: string[]): void {
  const k = c.counts;
  const row = (label: string, n: { tensors: number; bytes: number }): void => {
    if (n.tensors > 0) lines.push(`  ${label.padEnd(11)} ${plural(n.tensors, 'tensor')} (${formatBytes(n.bytes)})`);
  };
  row('identical', k.identical);
  row('changed', k.changed);
  row('only in A', k.only_in_a);
  row('only in B', k.only_in_b);
  row('mismatched', k.mismatched);
  if (c.changed.length) {
    lines.push('  changed, largest rel_l2 first:');
    const byChange = [...c.changed].sort((x, y) => (y.rel_l2 || 0) - (x.rel_l2 || 0));
    shown(byChange, (t) => `${t.path}${t.path_b ? ` (B: ${t.path_b})` : ''}  ${t.dtype}[${t.shape.join(', ')}]  rel_l2=${num(t.rel_l2)} max_abs=${num(t.max_abs_diff)} mean_abs=${num(t.mean_abs_diff)} cosine=${num(t.cosine)} not_close=${t.not_close}${shardNote(t)}${t.unsupported ? `  (${t.unsupported})` : ''}`, lines, '    ');
  }
  if (c.mismatched.length) {
    lines.push('  mismatched:');
    shown(c.mismatched, (m) => `${m.path}  A ${m.a.dtype}[${m.a.shape.join(', ')}]  B ${m.b.dtype}[${m.b.shape.join(', ')}]${shardNote(m)}`, lines, '    ');
  }
  if (c.only_in_a.length) {
    lines.push('  only in A:');
    shown(c.only_in_a, (p) => p, lines, '    ');
  }
  if (c.only_in_b.length) {
    lines.push('  only in B:');
    shown(c.only_in_b, (p) => p, lines, '    ');
  }
}

const valueText = (v: ValueDiff['a']): string => (v === undefined ? '(absent)' : JSON.stringify(v));

function valueSection(values: readonly ValueDiff[], lines: string[]): void {
  shown(values, (v) => `${v.key}: ${valueText(v.a)} → ${valueText(v.b)}`, lines, '    ');
}

export function compareText(r: CompareReport): string {
  const lines = [`A: ${r.a}`, `B: ${r.b}`, r.summary];
  if (r.aligned) lines.push(`aligned: ${r.aligned}`);
  lines.push('model:');
  tensorSection(r, lines);
  if (r.values.length) {
    lines.push('  values that differ:');
    valueSection(r.values, lines);
  }
  const o = r.optimizer;
  const optimizerTensors = Object.values(o.counts).reduce((s, c) => s + c.tensors, 0);
  if (optimizerTensors > 0 || o.values.length) {
    lines.push('optimizer state:');
    tensorSection(o, lines);
    if (o.values.length) {
      lines.push('  settings that differ:');
      valueSection(o.values, lines);
    }
  }
  lines.push(r.equal ? 'The checkpoints are equal.' : 'The checkpoints differ.');
  return `${lines.join('\n')}\n`;
}
