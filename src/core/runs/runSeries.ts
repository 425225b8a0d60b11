// What the run view draws for one run: each checkpoint as a point over steps (or epochs, or order
// where names tell neither) with every scalar metric found, its sizes split into model, optimizer
// and the rest, its marks, and the run's status. Plain data for the webview, built from the
// listing and the facts a plan reads (runFacts.ts). Pure.

import { checkpointKey } from '../listing/checkpointKey';
import type { RunListing } from '../listing/listingTypes';
import { runStatus } from '../listing/runStatus';
import type { RunFacts } from '../prune/runFacts';
import type { RunPoint, RunSeries } from './runViewTypes';



/** Steps where any checkpoint has one, else epochs, else the listing's order. */
function axisOf(run: RunListing): RunSeries['axis'] {
  if (run.checkpoints.some((c) => c.step !== null)) return 'step';
  if (run.checkpoints.some((c) => c.epoch !== undefined)) return 'epoch';
  return 'order';
}

/** The run as the view draws it. `facts` add metrics that only the files know (a plan's facts). */
/** `recentMs`: how long after its last write the run counts as training (its policy's recentMinutes). */
export function runSeries(run: RunListing, label: string, facts: RunFacts | undefined, now: number, recentMs?: number): RunSeries {
  const axis = axisOf(run);
  const points = run.checkpoints.map((c, i): RunPoint => {
    const key = checkpointKey(c);
    const metrics = { ...c.metrics, ...facts?.metrics.get(key) };
    const x = axis === 'step' ? c.step : axis === 'epoch' ? (c.epoch ?? null) : i;
    const p: RunPoint = {
      key,
      name: c.name,
      step: c.step,
      x,
      openPath: c.mainFile,
      metrics,
      bytes: c.bytes,
      modelBytes: c.modelBytes,
      optimizerBytes: c.optimizerBytes,
      otherBytes: Math.max(0, c.bytes - c.modelBytes - c.optimizerBytes),
      best: c.best,
    };
    if (c.epoch !== undefined) p.epoch = c.epoch;
    if (c.mark?.pinned) p.pinned = true;
    if (c.mark?.note) p.note = c.mark.note;
    if (c.mark?.archived?.length) p.archived = c.mark.archived.length;
    if (c.incomplete) p.incomplete = c.incomplete;
    return p;
  });
  // Files off the axis (best.pt, last.pt) go after the rest, in the listing's order.
  points.sort((a, b) => (a.x === null ? (b.x === null ? 0 : 1) : b.x === null ? -1 : a.x - b.x));
  const names = new Set(points.flatMap((p) => Object.keys(p.metrics)));
  const own = run.primaryMetric?.name;
  const metrics = [...names].sort((a, b) => (a === own ? -1 : b === own ? 1 : a.localeCompare(b)));
  const status = runStatus(run, now, { ...(recentMs !== undefined ? { recentMs } : {}), ...(facts?.progress ? { progress: facts.progress } : {}) });
  const out: RunSeries = { dir: run.dir, label, tag: run.tag, kind: run.kind, axis, points, metrics, status };
  if (run.primaryMetric) out.primaryMetric = run.primaryMetric;
  return out;
}
