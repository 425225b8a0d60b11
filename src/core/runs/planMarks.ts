// The prune plan as the run view draws it on the curve: each checkpoint kept or deleted, with
// its reason, and what the deletions free. Computed with planRun (pure, from the listing and the
// facts read once), so a change to the policy in the view redraws the plan without reading disk.

import type { RunListing } from '../listing/listingTypes';
import { planRun } from '../prune/prunePlan';
import type { RunPlan } from '../prune/prunePlan';
import { describePolicy } from '../prune/retentionPolicy';
import type { RetentionPolicy } from '../prune/retentionPolicy';
import type { RunFacts } from '../prune/runFacts';
import type { RunPlanView } from './runViewTypes';



export function planMarks(plan: RunPlan): RunPlanView {
  const points = plan.units.map((u) => ({ key: u.key, keep: u.keep, reason: u.reason, bytes: u.bytes }));
  const gone = points.filter((p) => !p.keep);
  const out: RunPlanView = {
    dir: plan.dir,
    points,
    kept: points.length - gone.length,
    deleted: gone.length,
    reclaimBytes: gone.reduce((s, p) => s + p.bytes, 0),
    policy: describePolicy(plan.policy),
  };
  if (plan.metric) out.metric = plan.metric;
  return out;
}

/** The plan of `run` under `policy` as of `now`, for the view. */
export function planRunMarks(run: RunListing, facts: RunFacts, policy: RetentionPolicy, now: number): RunPlanView {
  return planMarks(planRun(run, facts, policy, { now }));
}
