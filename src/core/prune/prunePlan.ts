// A prune plan: for every checkpoint of every run under a root, kept or deleted, and why.
// Computed from the listing (names, sizes, sidecars, state files) and what runFacts.ts adds;
// deletes nothing. Protected checkpoints are kept whatever the rules say, unless the user named
// them; a checkpoint no active rule could rank is kept too.

import { choosePrimaryMetric, lowerIsBetter } from '../listing/bestCheckpoint';
import type { CheckpointLayout, RootListing, RunKind, RunListing } from '../listing/listingTypes';
import { runStatus } from '../listing/runStatus';
import type { RunStatus } from '../listing/runStatus';
import { measurePath, reclaimableBytes } from './diskUsage';
import type { PathUsage } from './diskUsage';
import { ruleVerdicts } from './keepRules';
import type { RuleMetric } from './keepRules';
import { isKeptName, protectionsOf } from './protections';
import type { ProtectedUnit, ProtectionKind } from './protections';
import { pruneUnitOf, unitSignature } from './pruneUnit';
import { hasRules } from './retentionPolicy';
import type { RetentionPolicy } from './retentionPolicy';
import { gatherRunFacts } from './runFacts';
import type { FactOptions, RunFacts } from './runFacts';

export interface UnitPlan {
  /** Its key in the run's state file. */
  key: string;
  name: string;
  layout: CheckpointLayout;
  step: number | null;
  epoch?: number;
  /** What a delete removes: the step's files, the `checkpoint-N` folder, the file. */
  paths: string[];
  /** The same for output; a folder ends with the separator. */
  files: string[];
  /** On disk, a folder's subfolders included. */
  bytes: number;
  keep: boolean;
  /** Why, protections first: `newest`, `in latest 3`, `not in best 2 by val_bpb`. */
  reasons: string[];
  /** `kept: newest, in latest 3`, `deleted: not in latest 3`. */
  reason: string;
  protections: ProtectionKind[];
  /** The user named it for deletion: it goes even if protected. */
  named?: boolean;
  /** Its value of the run's metric, when it has one. */
  metric?: number;
  /** Files, sizes and mtimes as listed, to tell on a second look whether anything wrote to it. */
  signature: string;
  usage: PathUsage[];
}

export interface RunPlan {
  kind: RunKind;
  tag: string;
  dir: string;
  policy: RetentionPolicy;
  /** The metric the best and keep-best go by; absent when no checkpoint has one. */
  metric?: RuleMetric;
  status: RunStatus;
  units: UnitPlan[];
  warnings: string[];
}

export interface PrunePlan {
  root: string;
  exists: boolean;
  runs: RunPlan[];
  /** Bytes the deletions free (for trashed files: once the trash is emptied). */
  reclaimBytes: number;
  /** Names given for deletion that matched no checkpoint, or more than one. */
  unmatched: string[];
  warnings: string[];
}

export interface PlanOptions extends FactOptions {
  /** The time "recent" is measured from (default: now). */
  now?: number;
  /** Checkpoints the user named for deletion: a path (of any of its files), or a name or key. */
  named?: readonly string[];
}

/** The metric a run's best goes by: the policy's, else the run's own, else the most common. */
export function planMetric(run: RunListing, facts: RunFacts, policy: RetentionPolicy): RuleMetric | undefined {
  const name =
    policy.metric ??
    run.primaryMetric?.name ??
    choosePrimaryMetric(run.checkpoints.map((c) => ({ ...c, metrics: facts.metrics.get(pruneUnitOf(c).key) ?? c.metrics })));
  if (!name) return undefined;
  return { name, mode: policy.mode ?? (lowerIsBetter(name) ? 'min' : 'max') };
}

/** The plan for one run, from its listing and facts. Pure: `usage` is left empty. */
export function planRun(run: RunListing, facts: RunFacts, policy: RetentionPolicy, options: { now: number; named?: ReadonlySet<string> }): RunPlan {
  const metric = planMetric(run, facts, policy);
  const recentMs = policy.recentMinutes * 60_000;
  const units = run.checkpoints.map((c) => pruneUnitOf(c));
  const rows: ProtectedUnit[] = units.map((u) => {
    const c = u.checkpoint;
    const row: ProtectedUnit = { key: u.key, step: c.step, mtimeMs: c.mtimeMs, name: c.name, checkpoint: c };
    if (c.epoch !== undefined) row.epoch = c.epoch;
    if (c.incomplete) row.incomplete = c.incomplete;
    if (c.layout === 'file' && isKeptName(c.name)) row.alias = true;
    const value = metric ? facts.metrics.get(u.key)?.[metric.name] : undefined;
    if (value !== undefined) row.metric = value;
    return row;
  });
  const verdicts = ruleVerdicts(rows, policy, metric);
  const protections = protectionsOf(rows, { metric, recordedBest: facts.recordedBest, now: options.now, recentMs });
  const active = hasRules(policy);
  const planned = units.map((u, i): UnitPlan => {
    const c = u.checkpoint;
    const guards = protections.get(u.key) ?? [];
    const all = verdicts.get(u.key) ?? [];
    const said = all.filter((v) => v.keep !== undefined);
    const keeps = said.filter((v) => v.keep).map((v) => v.reason);
    const named = options.named?.has(u.key) ?? false;
    let keep: boolean;
    let reasons: string[];
    if (named) {
      keep = false;
      reasons = ['named for deletion', ...(guards.length ? [`overriding: ${guards.map((g) => g.reason).join(', ')}`] : [])];
    } else if (guards.length > 0 || keeps.length > 0) {
      keep = true;
      reasons = [...guards.map((g) => g.reason), ...keeps];
    } else if (!active) {
      keep = true;
      reasons = ['no retention rule set'];
    } else if (said.length === 0) {
      keep = true;
      reasons = [`no rule could judge it: ${[...new Set(all.map((v) => v.reason))].join(', ')}`];
    } else {
      keep = false;
      reasons = said.map((v) => v.reason);
    }
    const plan: UnitPlan = {
      key: u.key,
      name: c.name,
      layout: c.layout,
      step: c.step,
      paths: u.paths,
      files: u.shown,
      bytes: c.bytes,
      keep,
      reasons,
      reason: `${keep ? 'kept' : 'deleted'}: ${reasons.join(', ')}`,
      protections: guards.map((g) => g.kind),
      signature: unitSignature(c),
      usage: [],
    };
    if (c.epoch !== undefined) plan.epoch = c.epoch;
    if (named) plan.named = true;
    if (rows[i]!.metric !== undefined) plan.metric = rows[i]!.metric;
    return plan;
  });
  const status = runStatus(run, options.now, facts.progress ? { recentMs, progress: facts.progress } : { recentMs });
  const out: RunPlan = { kind: run.kind, tag: run.tag, dir: run.dir, policy, status, units: planned, warnings: facts.warnings };
  if (metric) out.metric = metric;
  return out;
}

/** Resolves the names the user gave to unit keys per run; what matched nothing (or too much) is returned apart. */
function matchNamed(runs: readonly RunListing[], named: readonly string[]): { byRun: Map<RunListing, Set<string>>; unmatched: string[] } {
  const byRun = new Map<RunListing, Set<string>>();
  const unmatched: string[] = [];
  for (const name of named) {
    const hits: Array<{ run: RunListing; key: string; byPath: boolean }> = [];
    for (const run of runs) {
      for (const c of run.checkpoints) {
        const u = pruneUnitOf(c);
        const byPath = u.paths.includes(name) || c.path === name || c.files.some((f) => f.path === name);
        if (byPath || u.key === name || c.name === name) hits.push({ run, key: u.key, byPath });
      }
    }
    const exact = hits.filter((h) => h.byPath);
    const chosen = exact.length > 0 ? exact : hits;
    // A bare name found in several runs (`step 000100` in every tag) must be given as a path.
    if (chosen.length !== 1) {
      unmatched.push(chosen.length === 0 ? `${name}: no such checkpoint` : `${name}: matches ${chosen.length} checkpoints; give its path`);
      continue;
    }
    const hit = chosen[0]!;
    if (!byRun.has(hit.run)) byRun.set(hit.run, new Set());
    byRun.get(hit.run)!.add(hit.key);
  }
  return { byRun, unmatched };
}

/** Plans every run of `listing`, each with the policy `policyFor(run.dir)` gives. */
export async function planListing(listing: RootListing, policyFor: (runDir: string) => RetentionPolicy, options: PlanOptions = {}): Promise<PrunePlan> {
  const now = options.now ?? Date.now();
  const { byRun, unmatched } = matchNamed(listing.runs, options.named ?? []);
  const runs: RunPlan[] = [];
  for (const run of listing.runs) {
    const facts = await gatherRunFacts(run, options);
    const named = byRun.get(run);
    runs.push(planRun(run, facts, policyFor(run.dir), named ? { now, named } : { now }));
  }
  const deleted: PathUsage[] = [];
  for (const run of runs) {
    for (const u of run.units) {
      u.usage = u.paths.map((p) => measurePath(p));
      u.bytes = u.usage.reduce((sum, x) => sum + x.bytes, 0);
      if (!u.keep) deleted.push(...u.usage);
    }
  }
  return { root: listing.root, exists: listing.exists, runs, reclaimBytes: reclaimableBytes(deleted), unmatched, warnings: listing.warnings };
}
