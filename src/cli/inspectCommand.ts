// `inspect <file> [--json] [--sha256]`: one JSON object, or a summary a person reads.
import { inspectFile } from '../core/session/inspectFile';
import { optimizerTitle, settingNames, settingText } from '../core/inspect/optimizerSettings';
import type { InspectReport } from '../core/inspect/report';
import { formatBytes, formatCount, formatMetric } from '../core/format';
import { withPool } from './cliPool';
import { countRows } from './countRows';
import { writeText } from './textOutput';

function parseArgs(args: string[]): { file?: string; json: boolean; sha256: boolean; unknown: string[] } {
  const out = { file: undefined as string | undefined, json: false, sha256: false, unknown: [] as string[] };
  for (const a of args) {
    if (a === '--json') out.json = true;
    else if (a === '--sha256') out.sha256 = true;
    else if (a.startsWith('--') || out.file !== undefined) out.unknown.push(a);
    else out.file = a;
  }
  return out;
}

function summaryText(r: InspectReport): string {
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${(label ? `${label}:` : '').padEnd(12)} ${value}`);
  };
  row('file', r.file);
  row('format', r.format);
  row('size', formatBytes(r.size));
  if (r.step !== undefined) row('step', String(r.step));
  if (r.epoch !== undefined) row('epoch', String(r.epoch));
  for (const [label, value] of countRows(r)) row(label, value);
  if (r.depth !== undefined) row('depth', `${r.depth} layers`);
  const metrics = Object.entries(r.metrics);
  if (metrics.length) row('metrics', metrics.map(([k, v]) => `${k}=${formatMetric(v, 6)}`).join('  '));
  const g = r.security;
  row('security', g.verdict + (g.dangerous.length ? `: ${g.dangerous.join(', ')}` : g.suspicious.length ? `: ${g.suspicious.join(', ')}` : ''));
  // Inert text already (control characters escaped), so safe to print on a terminal.
  for (const call of g.calls ?? []) row('would run', call);
  if (g.callsOmitted) row('would run', `… and ${g.callsOmitted} more such calls`);
  for (const o of r.optimizers ?? []) {
    row('optimizer', `${optimizerTitle(o)}: ${o.parameters} parameters in ${o.groups.length} groups${o.step !== undefined ? `, step ${o.step}` : ''}`);
    const names = settingNames(o, true);
    o.groups.forEach((group, i) => lines.push(`  group ${i}: ${names.map((n) => `${n}=${settingText(group.settings[n])}`).join(' ')}`));
  }
  if (r.keys.length) {
    lines.push('keys:');
    const shown = r.keys.slice(0, 40);
    const width = Math.min(40, Math.max(...shown.map((k) => k.key.length)));
    for (const k of shown) {
      const tensors = k.tensors ? `  ${k.tensors} tensors, ${formatCount(k.elements)} elements` : '';
      lines.push(`  ${k.key.padEnd(width)}  ${k.type}${k.value !== undefined && !k.tensors ? ` = ${k.value}` : ''}${tensors}`);
    }
    if (r.keys.length > shown.length) lines.push(`  … ${r.keys.length - shown.length} more`);
  }
  if (r.architecture) {
    lines.push('architecture:');
    for (const [k, v] of Object.entries(r.architecture).slice(0, 40)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  if (r.config) {
    lines.push('config:');
    for (const [k, v] of Object.entries(r.config).slice(0, 40)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export async function inspectCommand(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (!opts.file || opts.unknown.length) {
    process.stderr.write(`usage: checkpoint-manager inspect <file> [--json] [--sha256]${opts.unknown.length ? ` (unknown: ${opts.unknown.join(' ')})` : ''}\n`);
    return 2;
  }
  // Hashing reads every tensor byte: workers share it out over the cores. A summary needs none.
  const report = opts.sha256 ? await withPool((pool) => inspectFile(opts.file!, { sha256: true, pool })) : await inspectFile(opts.file);
  // Written as is, then the newline: no copy of a report of many megabytes to append one byte.
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else writeText(`${summaryText(report)}\n`);
  return 0;
}
