// Words and numbers for listings: sizes, step lists, metrics, one-line summaries. Shared by the
// CLI table and the tree's labels so both say the same thing.

import { formatBytes, formatInteger, formatMetric, plural } from '../format';
import type { CheckpointEntry, CheckpointFile, CheckpointLayout, FileRole, RunListing } from './listingTypes';
import { runStatus } from './runStatus';
import { markdownText } from '../visibleText';

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

// The tree's rows must fit the default sidebar, about 300 px: some 30 characters of label and
// description at the top level, one fewer per level of indent. A row says the most important
// thing first and adds the rest while it fits; the tooltips say everything.
export const ROW_CHARS = 30;

/** `parts` joined with ` · `, as many as fit after `label` at `depth`; the first one always. */
export function fitDescription(label: string, depth: number, parts: readonly string[]): string {
  let text = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    const next = `${text} · ${part}`;
    if (label.length + 2 + next.length > ROW_CHARS - depth) break;
    text = next;
  }
  return text;
}

/** `5 checkpoints`, `1.21 GiB` */
export function runDescriptionParts(run: RunListing): string[] {
  return [plural(run.checkpoints.length, 'checkpoint'), formatBytes(run.bytes)];
}

/** The best checkpoint by the run's metric: `val_bpb 0.8123 @ 4000`, or its name. */
function bestText(run: RunListing): string | undefined {
  const best = bestCheckpoint(run);
  const metric = run.primaryMetric?.name;
  if (best && metric && best.metrics[metric] !== undefined) {
    return `${metric} ${formatMetric(best.metrics[metric])}${best.step !== null ? ` @ ${best.step}` : ''}`;
  }
  return best?.name;
}

/** The metric that matters for `c`: the run's primary one when it has it, else its first by name. */
function leadingMetric(c: CheckpointEntry, primaryMetric?: string): string | undefined {
  if (primaryMetric && c.metrics[primaryMetric] !== undefined) return primaryMetric;
  return Object.keys(c.metrics).sort((a, b) => a.localeCompare(b))[0];
}

/** `val_bpb 0.8123` (the metric that matters) then the size; the size alone without a metric. */
export function checkpointDescriptionParts(c: CheckpointEntry, primaryMetric?: string): string[] {
  const metric = leadingMetric(c, primaryMetric);
  const size = sizeText(c);
  return metric ? [`${metric} ${formatMetric(c.metrics[metric] as number)}`, size] : [size];
}

/** `4.2 GB in 4 shards` for a set of files, else the size alone. */
function sizeText(c: CheckpointEntry): string {
  return c.shards !== undefined ? `${formatBytes(c.bytes)} in ${plural(c.shards, 'shard')}` : formatBytes(c.bytes);
}

/** What a screen reader says for a checkpoint row: the star and the warning icon in words too. */
export function checkpointAriaLabel(c: CheckpointEntry, primaryMetric?: string): string {
  const metric = leadingMetric(c, primaryMetric);
  const parts = [c.name];
  if (metric) parts.push(`${metric} ${formatMetric(c.metrics[metric] as number)}`);
  if (c.best) parts.push('best');
  if (c.incomplete) parts.push('incomplete');
  parts.push(sizeText(c));
  return parts.join(', ');
}

/** Names from disk and sidecars are untrusted text: shown with their hidden characters escaped. */
const escapeMd = markdownText;

/** `2024-05-01 12:00:00 UTC`: the same for everyone, and what `ls --full-time -u` would say. */
export function formatMtime(mtimeMs: number): string {
  return `${new Date(mtimeMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** What a sharded checkpoint's shards are, by its layout. */
const SHARD_KINDS: Record<CheckpointLayout, string> = {
  dcp: 'torch.distributed.checkpoint',
  'fsdp-ranks': 'one file per FSDP rank',
  'hf-sharded': 'Hugging Face shards, opened together through the index',
  huggingface: 'Hugging Face shards, opened together through the index',
  nanochat: 'the model file and one optimizer file per rank, opened together from the step\'s row',
  deepspeed: 'ZeRO optimizer partitions, one per data-parallel rank',
  megatron: 'one model_optim_rng.pt per tensor/pipeline-parallel rank',
  file: 'files',
};

/** What each kind of file is for, in words. */
export const ROLE_LABELS: Record<FileRole, string> = {
  model: 'model weights',
  optimizer: 'optimizer state',
  meta: 'metadata (sidecar)',
  full: 'single-file checkpoint (model and optimizer not told apart)',
  other: 'other (scheduler, RNG state, tokenizer)',
};

/** Markdown details for a checkpoint's tooltip. */
export function checkpointTooltip(c: CheckpointEntry): string {
  const lines = [`**${escapeMd(c.name)}**${c.best ? ' ★ best' : ''}`, ''];
  if (c.step !== null) lines.push(`- step: ${c.step}`);
  if (c.epoch !== undefined) lines.push(`- epoch: ${c.epoch}`);
  lines.push(`- size: ${formatBytes(c.bytes)} in ${plural(c.files.length, 'file')}`);
  if (c.shards !== undefined) lines.push(`- shards: ${c.shards} (${SHARD_KINDS[c.layout]})`);
  if (c.latest) lines.push(`- latest: ${escapeMd(c.latest)} names it (training resumes from it)`);
  if (c.modelBytes > 0) lines.push(`- model: ${formatBytes(c.modelBytes)}`);
  if (c.optimizerBytes > 0) lines.push(`- optimizer: ${formatBytes(c.optimizerBytes)}`);
  for (const [k, v] of Object.entries(c.metrics)) lines.push(`- ${escapeMd(k)}: ${formatMetric(v)}`);
  if (c.mtimeMs > 0) lines.push(`- modified: ${formatMtime(c.mtimeMs)}`);
  if (c.incomplete) lines.push(`- ⚠ ${escapeMd(c.incomplete)}`);
  if (c.mark?.note) lines.push(`- note: ${escapeMd(c.mark.note)}`);
  if (c.mark?.pinned || c.mark?.note) lines.push('- pinned: pruning keeps it');
  for (const a of c.mark?.archived ?? []) lines.push(`- archived to \`${a.to.replace(/`/g, "'")}\`${a.at ? ` (${escapeMd(a.at.slice(0, 10))})` : ''}`);
  return lines.join('\n');
}

/** Markdown details for a file's tooltip: role, size, modified time, path. */
export function fileTooltip(f: CheckpointFile): string {
  const role = `${ROLE_LABELS[f.role]}${f.rank !== undefined ? `, rank ${f.rank}` : ''}`;
  const lines = [`**${escapeMd(f.name)}**`, '', `- role: ${role}`, `- size: ${formatBytes(f.bytes)} (${formatInteger(f.bytes)} bytes)`];
  if (f.mtimeMs > 0) lines.push(`- modified: ${formatMtime(f.mtimeMs)}`);
  lines.push('', `\`${f.path}\``);
  return lines.join('\n');
}

/** Markdown details for a run's tooltip; its status as of `now`. */
export function runTooltip(run: RunListing, now = Date.now()): string {
  const lines = [`**${escapeMd(run.tag)}** (${run.kind})`, ''];
  const status = runStatus(run, now);
  // Most runs record no planned length: say nothing rather than "unknown" on each.
  if (status.state !== 'unknown') lines.push(`- status: ${escapeMd(status.text)}`);
  lines.push(`- checkpoints: ${run.checkpoints.length}`);
  lines.push(`- total: ${formatBytes(run.bytes)} (model ${formatBytes(run.modelBytes)}, optimizer ${formatBytes(run.optimizerBytes)})`);
  const steps = runSteps(run);
  const latest = latestStep(run);
  if (latest !== undefined) lines.push(`- latest step: ${latest}`);
  if (steps.length > 0) lines.push(`- steps: ${formatSteps(steps, 12)}`);
  if (run.primaryMetric) lines.push(`- metric: ${escapeMd(run.primaryMetric.name)} (${run.primaryMetric.lowerIsBetter ? 'lower' : 'higher'} is better)`);
  const best = bestText(run);
  if (best) lines.push(`- best: ${escapeMd(best)}`);
  lines.push('', `\`${run.dir}\``);
  return lines.join('\n');
}
