// Carrying out a confirmed plan. First a second look: the root is planned again, and only what
// both the plan the user saw and the fresh one delete, unchanged in between (same files, sizes
// and mtimes), is deleted; anything a run wrote to meanwhile is kept. Then each unit goes to the
// trash whole, or is deleted for good when the caller says so (where no trash exists).

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { isInside } from '../listing/runLocation';
import { reclaimableBytes } from './diskUsage';
import type { PrunePlan, UnitPlan } from './prunePlan';
import { findTrash, moveToTrash } from './trash';
import type { Trash, TrashNames, TrashOptions } from './trash';

function withReasons(u: UnitPlan, keep: boolean, reasons: string[]): UnitPlan {
  return { ...u, keep, reasons, reason: `${keep ? 'kept' : 'deleted'}: ${reasons.join(', ')}` };
}

/** What to delete now: `fresh` (planned just now), deleting only what `shown` deleted too, unchanged. */
export function confirmPlan(shown: PrunePlan, fresh: PrunePlan): PrunePlan {
  const before = new Map<string, UnitPlan>();
  for (const run of shown.runs) for (const u of run.units) before.set(`${run.dir}\u0000${u.key}`, u);
  const warnings = [...fresh.warnings];
  const seen = new Set<string>();
  const runs = fresh.runs.map((run) => ({
    ...run,
    units: run.units.map((u) => {
      const id = `${run.dir}\u0000${u.key}`;
      seen.add(id);
      const old = before.get(id);
      if (u.keep) return u;
      if (!old) return withReasons(u, true, ['new since the plan was shown']);
      if (old.keep) return withReasons(u, true, ['kept in the plan that was confirmed']);
      if (old.signature !== u.signature) {
        return { ...withReasons(u, true, ['changed since it was listed (a run may be writing it)']), protections: [...u.protections, 'changed' as const] };
      }
      return u;
    }),
  }));
  for (const [id, u] of before) if (!u.keep && !seen.has(id)) warnings.push(`${u.paths[0] ?? u.name}: gone since the plan was shown`);
  const deleted = runs.flatMap((r) => r.units.filter((u) => !u.keep).flatMap((u) => u.usage));
  return { ...fresh, runs, warnings, reclaimBytes: reclaimableBytes(deleted) };
}

export interface Unremovable {
  path: string;
  problem: string;
}

/** The trash each path of the plan's deletions would go to; `missing` lists those with none. */
export async function trashesFor(plan: PrunePlan, options: TrashOptions = {}): Promise<{ trashes: Map<string, Trash>; missing: Unremovable[] }> {
  const trashes = new Map<string, Trash>();
  const missing: Unremovable[] = [];
  // One look per folder: the files of a folder share its file system, so its trash.
  const byFolder = new Map<string, Trash>();
  for (const run of plan.runs) {
    for (const u of run.units) {
      if (u.keep) continue;
      for (const path of u.paths) {
        const known = byFolder.get(dirname(path));
        const found = known ? { trash: known } : await findTrash(path, options);
        if ('trash' in found) {
          trashes.set(path, found.trash);
          byFolder.set(dirname(path), found.trash);
        } else missing.push({ path, problem: found.problem });
      }
    }
  }
  return { trashes, missing };
}

export interface UnitResult {
  run: string;
  name: string;
  paths: string[];
  /** `trashed` (each path now in the trash, at `to`), `deleted` for good, or `failed` part-way. */
  outcome: 'trashed' | 'deleted' | 'failed';
  to?: string[];
  /** For a failure: what went wrong, and which of its paths were already removed. */
  error?: string;
  removed?: string[];
}

export interface CarryOutOptions {
  /** Delete for good instead of trashing. */
  permanent?: boolean;
  /** From trashesFor; required unless `permanent`. */
  trashes?: ReadonlyMap<string, Trash>;
  signal?: AbortSignal;
  onUnit?: (result: UnitResult) => void;
}

/** Deletes the plan's deleted units, one whole unit at a time; stops early when `signal` aborts. */
export async function carryOut(plan: PrunePlan, options: CarryOutOptions = {}): Promise<UnitResult[]> {
  const results: UnitResult[] = [];
  const names: TrashNames = new Map();
  for (const run of plan.runs) {
    for (const u of run.units) {
      if (u.keep) continue;
      if (options.signal?.aborted) return results;
      const removed: string[] = [];
      const to: string[] = [];
      let error: string | undefined;
      for (const path of u.paths) {
        try {
          // The listing only lists inside its root; a path elsewhere means something is wrong.
          if (!isInside(path, plan.root)) throw new Error(`${path} is not under ${plan.root}`);
          if (options.permanent) rmSync(path, { recursive: true });
          else {
            const trash = options.trashes?.get(path);
            if (!trash) throw new Error('no trash for it');
            to.push(moveToTrash(path, trash, new Date(), names));
          }
          removed.push(path);
        } catch (err) {
          error = `${path}: ${(err as Error).message}`;
          break;
        }
      }
      const base = { run: run.dir, name: u.name, paths: u.paths };
      const result: UnitResult = error
        ? { ...base, outcome: 'failed', error, removed }
        : options.permanent
          ? { ...base, outcome: 'deleted' }
          : { ...base, outcome: 'trashed', to };
      results.push(result);
      options.onUnit?.(result);
      // The moves are synchronous: let progress, cancellation and other work in between units.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return results;
}
