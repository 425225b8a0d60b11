// The rules of a retention policy, each judging every checkpoint of a run: keep or drop, with
// why, or abstain where it cannot judge one (keep-last on a file with no step among files with
// steps; any rule on an incomplete checkpoint, which is not a usable one to count, or on a
// `best.pt`/`last.pt`, which is by convention a copy of another and always kept, so it takes no
// one's place). A checkpoint on which every active rule abstains is kept: nothing ranked it.

import { plural } from '../format';
import type { MetricMode, RetentionPolicy } from './retentionPolicy';

export interface RuleUnit {
  key: string;
  step: number | null;
  epoch?: number;
  mtimeMs: number;
  name: string;
  /** Why it is not a usable checkpoint (a missing model file), when it is not. */
  incomplete?: string;
  /** Named like a copy of another (`best.pt`, `last.ckpt`): ranked by no rule. */
  alias?: boolean;
  /** Its value of the policy's metric, when it has one. */
  metric?: number;
}

/** `keep` true or false; undefined when the rule abstains (the reason says why). */
export interface Verdict {
  keep?: boolean;
  reason: string;
}

/** How a run's checkpoints are put in order: by step, by epoch (no steps), or by mtime (neither). */
export type Ordering = 'step' | 'epoch' | 'mtime';

export function orderingOf(units: readonly RuleUnit[]): Ordering {
  if (units.some((u) => u.step !== null)) return 'step';
  if (units.some((u) => u.epoch !== undefined)) return 'epoch';
  return 'mtime';
}

/** A unit's place in the run's order; undefined when the order cannot place it. */
export function positionOf(u: RuleUnit, ordering: Ordering): number | undefined {
  if (ordering === 'step') return u.step ?? undefined;
  if (ordering === 'epoch') return u.epoch;
  return u.mtimeMs;
}

/** Later first: by position, then by epoch, then by name (so the order is total and stable). */
export function newerFirst(ordering: Ordering): (a: RuleUnit, b: RuleUnit) => number {
  return (a, b) =>
    (positionOf(b, ordering) ?? -Infinity) - (positionOf(a, ordering) ?? -Infinity) ||
    (b.epoch ?? -1) - (a.epoch ?? -1) ||
    (b.name < a.name ? -1 : b.name > a.name ? 1 : 0);
}

export interface RuleMetric {
  name: string;
  mode: MetricMode;
}

/** Best first by `metric`; of equals, the newer first. */
export function betterFirst(metric: RuleMetric, ordering: Ordering): (a: RuleUnit, b: RuleUnit) => number {
  const sign = metric.mode === 'min' ? 1 : -1;
  const later = newerFirst(ordering);
  return (a, b) => sign * (a.metric! - b.metric!) || later(a, b);
}

/** Every active rule's verdict on each unit, by key. */
export function ruleVerdicts(units: readonly RuleUnit[], policy: RetentionPolicy, metric: RuleMetric | undefined): Map<string, Verdict[]> {
  const out = new Map<string, Verdict[]>(units.map((u) => [u.key, []]));
  const add = (u: RuleUnit, keep: boolean | undefined, reason: string): void => {
    out.get(u.key)!.push(keep === undefined ? { reason } : { keep, reason });
  };
  const ordering = orderingOf(units);
  const whole = units.filter((u) => !u.incomplete && !u.alias);
  for (const u of units) {
    if (u.incomplete) add(u, undefined, `incomplete (${u.incomplete})`);
    else if (u.alias) add(u, undefined, 'named as a copy of another checkpoint');
  }
  const unplaced = ordering === 'step' ? 'no step in its name' : 'no epoch in its name';

  if (policy.keepLast > 0) {
    const placed = whole.filter((u) => positionOf(u, ordering) !== undefined).sort(newerFirst(ordering));
    placed.forEach((u, i) => add(u, i < policy.keepLast, i < policy.keepLast ? `in latest ${policy.keepLast}` : `not in latest ${policy.keepLast}`));
    for (const u of whole) if (positionOf(u, ordering) === undefined) add(u, undefined, unplaced);
  }

  if (policy.keepBest > 0) {
    if (!metric) {
      // A run with no metric at all: every checkpoint is one without it.
      for (const u of whole) add(u, policy.keepWithoutMetric, 'no metric recorded');
    } else {
      const what = `best ${policy.keepBest} by ${metric.name}`;
      const scored = whole.filter((u) => u.metric !== undefined).sort(betterFirst(metric, ordering));
      scored.forEach((u, i) => add(u, i < policy.keepBest, i < policy.keepBest ? `in ${what}` : `not in ${what}`));
      // As Orbax's keep_checkpoints_without_metrics: kept by default, or left to the other rules.
      for (const u of whole) if (u.metric === undefined) add(u, policy.keepWithoutMetric, `no ${metric.name} recorded`);
    }
  }

  if (policy.keepEvery > 0) {
    const k = policy.keepEvery;
    const unit = ordering === 'epoch' ? 'epoch' : 'step';
    for (const u of whole) {
      const at = ordering === 'step' ? u.step : ordering === 'epoch' ? u.epoch : undefined;
      if (at === null || at === undefined) add(u, undefined, ordering === 'mtime' ? 'no steps to count' : unplaced);
      else add(u, at % k === 0, at % k === 0 ? `a milestone (every ${plural(k, unit)})` : `not a multiple of ${plural(k, unit)}`);
    }
  }
  return out;
}
