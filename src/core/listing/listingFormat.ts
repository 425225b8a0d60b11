// Words and numbers for listings: sizes, step lists, metrics, one-line summaries. Shared by the
// CLI table and the tree's labels so both say the same thing.

import { formatBytes, formatMetric, plural } from '../format';
import type { CheckpointEntry, RunListing } from './listingTypes';

/** Steps as a short list: `100, 200, 300`, or `100, 200, …, 5000` past `max` of them. */
export function formatSteps(steps: readonly number[], max = 5): string {
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  if (sorted.length <= max) return sorted.join(', ');
  return `${sorted.slice(0, max - 2).join(', ')}, …, ${sorted[sorted.length - 1]}`;
}

export function runSteps(run: RunListing): number[] {
  return run.checkpoints.map((c) => c.step).filter((s): s is number => s !== null);
}

export function latestStep(run: RunListing): number | undefined {
  const steps = runSteps(run);
  return steps.length > 0 ? Math.max(...steps) : undefined;
}

export function bestCheckpoint(run: RunListing): CheckpointEntry | undefined {
  return run.checkpoints.find((c) => c.best);
}

/** `5 checkpoints · 1.21 GiB · latest 5000 · best val_bpb 0.8123 @ 4000` */
export function runDescription(run: RunListing): string {
  const parts = [plural(run.checkpoints.length, 'checkpoint'), formatBytes(run.bytes)];
  const latest = latestStep(run);
  if (latest !== undefined) parts.push(`latest ${latest}`);
  const best = bestCheckpoint(run);
  const metric = run.primaryMetric?.name;
  if (best && metric && best.metrics[metric] !== undefined) {
    parts.push(`best ${metric} ${formatMetric(best.metrics[metric])}${best.step !== null ? ` @ ${best.step}` : ''}`);
  } else if (best) {
    parts.push(`best ${best.name}`);
  }
  return parts.join(' · ');
}

/** `1.21 GiB · val_bpb 0.8123 · ★ best` (the primary metric first, then up to two more). */
export function checkpointDescription(c: CheckpointEntry, primaryMetric?: string): string {
  const parts = [formatBytes(c.bytes)];
  const names = Object.keys(c.metrics).sort((a, b) => (a === primaryMetric ? -1 : b === primaryMetric ? 1 : a.localeCompare(b)));
  for (const name of names.slice(0, 3)) parts.push(`${name} ${formatMetric(c.metrics[name] as number)}`);
  if (c.epoch !== undefined && c.layout === 'file') parts.push(`epoch ${c.epoch}`);
  if (c.best) parts.push('★ best');
  if (c.incomplete) parts.push('⚠ incomplete');
  return parts.join(' · ');
}

const escapeMd = (s: string): string => s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');

/** Markdown details for a checkpoint's tooltip. */
export function checkpointTooltip(c: CheckpointEntry): string {
  const lines = [`**${escapeMd(c.name)}**${c.best ? ' ★ best' : ''}`, ''];
  if (c.step !== null) lines.push(`- step: ${c.step}`);
  if (c.epoch !== undefined) lines.push(`- epoch: ${c.epoch}`);
  lines.push(`- size: ${formatBytes(c.bytes)} in ${plural(c.files.length, 'file')}`);
  if (c.modelBytes > 0) lines.push(`- model: ${formatBytes(c.modelBytes)}`);
  if (c.optimizerBytes > 0) lines.push(`- optimizer: ${formatBytes(c.optimizerBytes)}`);
  for (const [k, v] of Object.entries(c.metrics)) lines.push(`- ${escapeMd(k)}: ${formatMetric(v)}`);
  if (c.mtimeMs > 0) lines.push(`- modified: ${new Date(c.mtimeMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
  if (c.incomplete) lines.push(`- ⚠ ${escapeMd(c.incomplete)}`);
  lines.push('', `\`${c.path}\``);
  return lines.join('\n');
}

/** Markdown details for a run's tooltip. */
export function runTooltip(run: RunListing): string {
  const lines = [`**${escapeMd(run.tag)}** (${run.kind})`, ''];
  lines.push(`- checkpoints: ${run.checkpoints.length}`);
  lines.push(`- total: ${formatBytes(run.bytes)} (model ${formatBytes(run.modelBytes)}, optimizer ${formatBytes(run.optimizerBytes)})`);
  const steps = runSteps(run);
  if (steps.length > 0) lines.push(`- steps: ${formatSteps(steps, 12)}`);
  if (run.primaryMetric) lines.push(`- metric: ${escapeMd(run.primaryMetric.name)} (${run.primaryMetric.lowerIsBetter ? 'lower' : 'higher'} is better)`);
  const best = bestCheckpoint(run);
  if (best) lines.push(`- best: ${escapeMd(best.name)}`);
  lines.push('', `\`${run.dir}\``);
  return lines.join('\n');
}
