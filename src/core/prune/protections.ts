// What a prune never deletes unless the user names it: the newest checkpoint of each run (what
// a resume reads), the best by the run's metric, what a framework recorded as its best (HF's
// `best_model_checkpoint`, Lightning's `best_model_path`), `best`/`last`/`latest`/`final` names,
// anything pinned, noted or archived, and anything written in the last few minutes (a run may
// still be writing it). Lightning's `save_top_k` deleting the checkpoint a run resumed from, HF's
// `save_total_limit` deleting the best: these are the mistakes this list exists to prevent.

import type { CheckpointEntry } from '../listing/listingTypes';
import { ago } from '../listing/runStatus';
import { betterFirst, newerFirst, orderingOf, positionOf } from './keepRules';
import type { RuleMetric, RuleUnit } from './keepRules';

export type ProtectionKind = 'newest' | 'incomplete' | 'best' | 'recorded-best' | 'name' | 'pinned' | 'note' | 'archived' | 'recent' | 'changed';

export interface Protection {
  kind: ProtectionKind;
  reason: string;
}

export interface ProtectedUnit extends RuleUnit {
  checkpoint: CheckpointEntry;
}

/** `best.pt`, `last.ckpt`, `last-v1.ckpt`, `model_best.pth`, `latest.pt`, `model_final.pth`. */
const KEPT_NAME = /(^|[._-])(best|last|latest|final)([._-]|$)/i;

export function isKeptName(fileName: string): boolean {
  return KEPT_NAME.test(fileName.replace(/\.[^.]+$/, ''));
}

export interface ProtectionContext {
  metric?: RuleMetric;
  /** Units a framework recorded as its best, by key, with who recorded it. */
  recordedBest: ReadonlyMap<string, string>;
  now: number;
  recentMs: number;
}

/** The best whole checkpoint by `metric`, when at least two carry it (one is not the best of anything). */
function bestByMetric(units: readonly ProtectedUnit[], metric: RuleMetric): ProtectedUnit | undefined {
  const scored = units.filter((u) => u.metric !== undefined && !u.incomplete && !u.alias);
  if (scored.length < 2) return undefined;
  return [...scored].sort(betterFirst(metric, orderingOf(units)))[0];
}

/** Each unit's protections, by key; most units have none. */
export function protectionsOf(units: readonly ProtectedUnit[], ctx: ProtectionContext): Map<string, Protection[]> {
  const out = new Map<string, Protection[]>(units.map((u) => [u.key, []]));
  const add = (u: ProtectedUnit, kind: ProtectionKind, reason: string): void => {
    out.get(u.key)!.push({ kind, reason });
  };
  const ordering = orderingOf(units);
  const placed = units.filter((u) => positionOf(u, ordering) !== undefined).sort(newerFirst(ordering));
  const newest = placed.find((u) => !u.checkpoint.incomplete);
  if (newest) add(newest, 'newest', 'newest');
  // A save cut short after the newest whole one: a run may be writing it, or it is the newest attempt.
  const newestAt = newest ? positionOf(newest, ordering)! : -Infinity;
  for (const u of placed) {
    if (u.checkpoint.incomplete && positionOf(u, ordering)! > newestAt) add(u, 'incomplete', `incomplete and newer than the newest whole checkpoint (${u.checkpoint.incomplete})`);
  }
  if (ctx.metric) {
    const best = bestByMetric(units, ctx.metric);
    if (best) add(best, 'best', `best ${ctx.metric.name}`);
  }
  for (const u of units) {
    const recorded = ctx.recordedBest.get(u.key);
    if (recorded) add(u, 'recorded-best', recorded);
    if (u.checkpoint.layout === 'file' && isKeptName(u.checkpoint.name)) add(u, 'name', `named "${u.checkpoint.name}"`);
    const mark = u.checkpoint.mark;
    if (mark?.pinned) add(u, 'pinned', 'pinned');
    if (mark?.note) add(u, 'note', `note "${mark.note}"`);
    if (mark?.archived?.length) add(u, 'archived', `archived (a copy is in ${mark.archived[mark.archived.length - 1]!.to})`);
    const age = ctx.now - u.checkpoint.mtimeMs;
    if (u.checkpoint.mtimeMs > 0 && age < ctx.recentMs) add(u, 'recent', `written ${ago(Math.max(0, age))} (a run may still be writing it)`);
  }
  return out;
}
