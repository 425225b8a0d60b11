// A retention policy: which checkpoints of a run a prune keeps. Rules combine by union: a
// checkpoint is kept when any rule keeps it (or a protection does, see protections.ts).

export type MetricMode = 'min' | 'max';

export interface RetentionPolicy {
  /** Keep the N latest checkpoints of each run; 0 turns the rule off. */
  keepLast: number;
  /** Keep the K best by `metric`; 0 turns the rule off. */
  keepBest: number;
  /** The metric to rank by; undefined: each run's own (val_bpb, eval_loss, val_loss…). */
  metric?: string;
  /** undefined: from the metric's name (loss, bpb, perplexity, error: lower is better). */
  mode?: MetricMode;
  /** Keep every checkpoint whose step (or epoch, in runs without steps) is a multiple of K; 0: off. */
  keepEvery: number;
  /** With keepBest, keep checkpoints that carry no value of the metric (as Orbax's keep_checkpoints_without_metrics). */
  keepWithoutMetric: boolean;
  /** Checkpoints written this recently are kept: a run may still be writing them. */
  recentMinutes: number;
}

/** The defaults the settings (`checkpointManager.retention.*`) start from. */
export const DEFAULT_POLICY: Readonly<RetentionPolicy> = {
  keepLast: 3,
  keepBest: 1,
  keepEvery: 0,
  keepWithoutMetric: true,
  recentMinutes: 10,
};

/** True when at least one rule can keep or drop anything: without one, a prune deletes nothing. */
export function hasRules(p: RetentionPolicy): boolean {
  return p.keepLast > 0 || p.keepBest > 0 || p.keepEvery > 0;
}

/** `latest 3, best 1 by val_bpb (min), every 1000`, for output. */
export function describePolicy(p: RetentionPolicy): string {
  const parts: string[] = [];
  if (p.keepLast > 0) parts.push(`latest ${p.keepLast}`);
  if (p.keepBest > 0) parts.push(`best ${p.keepBest} by ${p.metric ?? "each run's metric"}${p.mode ? ` (${p.mode})` : ''}`);
  if (p.keepEvery > 0) parts.push(`every ${p.keepEvery}`);
  return parts.length > 0 ? `keep ${parts.join(', ')}` : 'no rule';
}

/** The policy as JSON for the CLI's output, in its snake_case. */
export function policyJson(p: RetentionPolicy): Record<string, unknown> {
  return {
    keep_last: p.keepLast,
    keep_best: p.keepBest,
    metric: p.metric ?? null,
    mode: p.mode ?? null,
    keep_every: p.keepEvery,
    keep_without_metric: p.keepWithoutMetric,
    recent_minutes: p.recentMinutes,
  };
}
