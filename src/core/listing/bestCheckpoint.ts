// Which checkpoint of a run is the best: by the Trainer's own record when there is one, else by
// the metric that matters for the run, else by a `best*` file name.

import type { CheckpointEntry } from './listingTypes';

// The metric that matters, in order of preference, when several are present.
const PREFERRED = ['val_bpb', 'eval_loss', 'val_loss', 'best_metric', 'loss'];
const LOWER_IS_BETTER = /(loss|bpb|bpc|ppl|perplexity|error|wer|cer)/i;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

/** The preferred metric that the most checkpoints carry; undefined when none carries one. */
export function choosePrimaryMetric(checkpoints: readonly CheckpointEntry[]): string | undefined {
  const counts = new Map<string, number>();
  for (const c of checkpoints) for (const k of Object.keys(c.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const preferred = PREFERRED.filter((k) => counts.has(k));
  if (preferred.length > 0) return preferred[0];
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Sets `best` on exactly one checkpoint when there is a reason to, and returns the metric used.
 * `trainerBest` is the folder name a Trainer recorded as `best_model_checkpoint`.
 */
export function markBest(
  checkpoints: CheckpointEntry[],
  trainerBest?: string,
): { name: string; lowerIsBetter: boolean } | undefined {
  for (const c of checkpoints) c.best = false;
  const metric = choosePrimaryMetric(checkpoints);
  const primary = metric ? { name: metric, lowerIsBetter: lowerIsBetter(metric) } : undefined;
  const recorded = trainerBest ? checkpoints.find((c) => c.name === trainerBest) : undefined;
  if (recorded) {
    recorded.best = true;
    return primary;
  }
  if (primary) {
    const scored = checkpoints.filter((c) => c.metrics[primary.name] !== undefined);
    // One scored checkpoint is not "the best" of anything.
    if (scored.length >= 2) {
      let best = scored[0] as CheckpointEntry;
      for (const c of scored) {
        const v = c.metrics[primary.name] as number;
        const b = best.metrics[primary.name] as number;
        // Ties go to the later step: the newer of equals is what one would keep.
        if (primary.lowerIsBetter ? v <= b : v >= b) best = c;
      }
      best.best = true;
      return primary;
    }
  }
  const named = checkpoints.find((c) => c.layout === 'file' && /^best([._-]|$)/i.test(c.name));
  if (named) named.best = true;
  return primary;
}
