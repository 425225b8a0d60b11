// Where a run stands: training (a file was written in the last few minutes), finished (its last
// step reached the planned length), stopped early (it did not), or unknown (no planned length
// recorded). The listing knows the planned length from the sidecars (nanochat's
// `user_config.num_iterations`, HF's `max_steps`); a caller that read more (Lightning's
// `max_epochs` inside a .ckpt) passes it as `progress`.

import type { RunListing } from './listingTypes';

export type RunState = 'training' | 'finished' | 'stopped' | 'unknown';

/** How far a run got and how far it meant to go, in steps or in epochs. */
export interface RunProgress {
  unit: 'step' | 'epoch';
  /** The last step saved, or the number of epochs done. */
  done: number;
  planned: number;
  /** Where the planned length was read: `meta_000300.json`, `trainer_state.json`, `last.ckpt`. */
  source: string;
}

export interface RunStatus {
  state: RunState;
  /** One line for a tooltip or a table: `stopped early at step 400 of 1000`. */
  text: string;
  /** The newest write of any of its files (ms since the epoch); 0 for an empty run. */
  lastWriteMs: number;
  progress?: RunProgress;
}

/** "A few minutes": a run that wrote a file this recently is taken to be training. */
export const DEFAULT_RECENT_MS = 10 * 60_000;

/** `just now`, `3 min ago`, `2 h ago`. */
export function ago(ms: number): string {
  if (ms < 60_000) return 'just now';
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${Math.round(ms / 3_600_000)} h ago`;
}

/** The planned length the newest checkpoint's sidecar records, with the run's last step. */
export function sidecarProgress(run: RunListing): RunProgress | undefined {
  let last: number | undefined;
  let planned: { steps: number; step: number; source: string } | undefined;
  for (const c of run.checkpoints) {
    if (c.step === null) continue;
    if (last === undefined || c.step > last) last = c.step;
    if (c.plannedSteps !== undefined && (!planned || c.step >= planned.step)) {
      const sidecar = c.files.find((f) => f.role === 'meta' && /^(meta_\d+|trainer_state)\.json$/.test(f.name));
      planned = { steps: c.plannedSteps, step: c.step, source: sidecar?.name ?? c.name };
    }
  }
  if (last === undefined || !planned) return undefined;
  return { unit: 'step', done: last, planned: planned.steps, source: planned.source };
}

function progressText(p: RunProgress): string {
  return p.unit === 'step' ? `step ${p.done} of ${p.planned}` : `${p.done} of ${p.planned} epochs`;
}

/** The run's status at `now`. */
export function runStatus(run: RunListing, now: number, options: { recentMs?: number; progress?: RunProgress } = {}): RunStatus {
  const recentMs = options.recentMs ?? DEFAULT_RECENT_MS;
  let lastWriteMs = 0;
  for (const c of run.checkpoints) if (c.mtimeMs > lastWriteMs) lastWriteMs = c.mtimeMs;
  const progress = options.progress ?? sidecarProgress(run);
  const status = (state: RunState, text: string): RunStatus => (progress ? { state, text, lastWriteMs, progress } : { state, text, lastWriteMs });
  // A clock ahead of ours (a network drive) counts as now.
  if (lastWriteMs > 0 && now - lastWriteMs < recentMs) return status('training', `training: a file was written ${ago(Math.max(0, now - lastWriteMs))}`);
  if (!progress) return status('unknown', 'no planned length recorded');
  if (progress.done >= progress.planned) return status('finished', `finished: ${progressText(progress)}`);
  return status('stopped', progress.unit === 'step' ? `stopped early at ${progressText(progress)}` : `stopped early after ${progressText(progress)}`);
}

/** A few words for a tree row: `training`, `finished`, `stopped at 400/1000`; undefined when unknown. */
export function statusShort(status: RunStatus): string | undefined {
  switch (status.state) {
    case 'training':
      return 'training';
    case 'finished':
      return 'finished';
    case 'stopped': {
      const p = status.progress!;
      return p.unit === 'step' ? `stopped at ${p.done}/${p.planned}` : `stopped at epoch ${p.done}/${p.planned}`;
    }
    case 'unknown':
      return undefined;
  }
}

/** How long after its last write a run counts as training, per run folder (the retention policy's `recentMinutes`). */
export type RecentWindow = (runDir: string) => number;

/** When the first of `runs` that is training now stops counting as training (ms since the epoch). */
export function nextStatusChange(runs: readonly RunListing[], now: number, recentMsOf: RecentWindow = () => DEFAULT_RECENT_MS): number | undefined {
  let next: number | undefined;
  for (const run of runs) {
    const recentMs = recentMsOf(run.dir);
    const s = runStatus(run, now, { recentMs });
    if (s.state !== 'training') continue;
    // A clock ahead of ours counts as now, as runStatus does.
    const end = Math.min(s.lastWriteMs, now) + recentMs;
    if (next === undefined || end < next) next = end;
  }
  return next;
}
