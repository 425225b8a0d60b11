// What `prune` prints: the plan as JSON (`keep`, `delete`, `reclaim_bytes`, and what happened),
// or as a table a person reads, run by run, each checkpoint with its reason.

import { basename } from 'node:path';
import { formatBytes, plural } from '../core/format';
import type { UnitResult } from '../core/prune/carryOut';
import type { PrunePlan, RunPlan, UnitPlan } from '../core/prune/prunePlan';
import { describePolicy, policyJson } from '../core/prune/retentionPolicy';
import type { RetentionPolicy } from '../core/prune/retentionPolicy';

export function runLabel(plan: PrunePlan, run: RunPlan): string {
  if (run.kind !== 'folder') return `${run.kind}/${run.tag}`;
  return run.tag === '.' ? basename(plan.root) : run.tag;
}

function unitJson(plan: PrunePlan, run: RunPlan, u: UnitPlan, result?: UnitResult): Record<string, unknown> {
  const out: Record<string, unknown> = { run: runLabel(plan, run), checkpoint: u.name, files: u.files, bytes: u.bytes, reason: u.reason };
  if (u.step !== null) out.step = u.step;
  if (u.epoch !== undefined) out.epoch = u.epoch;
  if (u.metric !== undefined && run.metric) out.metric = { [run.metric.name]: u.metric };
  if (u.protections.length > 0) out.protected = u.protections;
  if (result) {
    out.outcome = result.outcome;
    if (result.to) out.trashed_to = result.to;
    if (result.error) out.error = result.error;
    if (result.removed?.length) out.removed = result.removed;
  }
  return out;
}

export function planJson(plan: PrunePlan, policy: RetentionPolicy, state: { dryRun: boolean; results?: readonly UnitResult[] }): Record<string, unknown> {
  const resultOf = new Map((state.results ?? []).map((r) => [`${r.run}\u0000${r.name}`, r]));
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const run of plan.runs) {
    for (const u of run.units) (u.keep ? keep : del).push(unitJson(plan, run, u, resultOf.get(`${run.dir}\u0000${u.name}`)));
  }
  return {
    root: plan.root,
    dry_run: state.dryRun,
    policy: policyJson(policy),
    runs: plan.runs.map((run) => ({
      run: runLabel(plan, run),
      dir: run.dir,
      status: run.status.state,
      status_text: run.status.text,
      ...(run.metric ? { metric: run.metric.name, mode: run.metric.mode } : {}),
    })),
    keep,
    delete: del,
    reclaim_bytes: plan.reclaimBytes,
    carried_out: state.results !== undefined,
    warnings: [...plan.warnings, ...plan.runs.flatMap((r) => r.warnings)],
  };
}

/** The plan as a table: a header per run, a line per checkpoint. */
export function planText(plan: PrunePlan, policy: RetentionPolicy): string {
  const lines = [`Prune plan for ${plan.root} (${describePolicy(policy)})`];
  const width = Math.min(36, Math.max(10, ...plan.runs.flatMap((r) => r.units.map((u) => u.name.length))));
  for (const run of plan.runs) {
    if (run.units.length === 0) continue;
    const metric = run.metric ? ` · ${run.metric.name} (${run.metric.mode})` : '';
    lines.push('', `${runLabel(plan, run)}${metric} · ${run.status.text}`);
    for (const u of run.units) {
      lines.push(`  ${(u.keep ? 'keep' : 'delete').padEnd(7)} ${u.name.padEnd(width)} ${formatBytes(u.bytes).padStart(10)}  ${u.reasons.join(', ')}`);
    }
  }
  const deleted = plan.runs.flatMap((r) => r.units.filter((u) => !u.keep));
  const kept = plan.runs.reduce((n, r) => n + r.units.filter((u) => u.keep).length, 0);
  lines.push('', `${plural(deleted.length, 'checkpoint')} to delete (${formatBytes(plan.reclaimBytes)} freed), ${plural(kept, 'checkpoint')} kept.`);
  for (const w of [...plan.warnings, ...plan.runs.flatMap((r) => r.warnings)]) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** One paragraph on what was done. */
export function resultText(results: readonly UnitResult[], reclaimBytes: number): string {
  const trashed = results.filter((r) => r.outcome === 'trashed');
  const deleted = results.filter((r) => r.outcome === 'deleted');
  const failed = results.filter((r) => r.outcome === 'failed');
  const lines: string[] = [];
  if (trashed.length > 0) lines.push(`Moved ${plural(trashed.length, 'checkpoint')} to the trash; ${formatBytes(reclaimBytes)} are freed when it is emptied.`);
  if (deleted.length > 0) lines.push(`Deleted ${plural(deleted.length, 'checkpoint')} for good (${formatBytes(reclaimBytes)} freed).`);
  for (const f of failed) lines.push(`failed: ${f.name} (${f.error})${f.removed?.length ? `; already removed: ${f.removed.join(', ')}` : ''}`);
  return `${lines.join('\n')}\n`;
}
