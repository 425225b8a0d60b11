// The messages between the run view's host (runViewPanel.ts) and its webview (src/webview/runView),
// carried by RpcEndpoint: the host sends the runs once the page is ready, the page asks for the
// plan as the policy changes, opens checkpoints and starts a prune. Types only.
import type { PlannedPoint, PolicyFields, RunPlanView, RunSeries } from '../core/runs/runViewTypes';

export type { PlannedPoint, PolicyFields, RunPlanView, RunSeries };

export interface RunPlans {
  plans: RunPlanView[];
  /** The policy as applied (after checking what the page sent). */
  policy: PolicyFields;
  /** Fields of what the page sent that were not valid, one sentence each. */
  problems: string[];
}

/** What the host answers (the page asks). */
export type RunHostMethods = {
  /** The plan of every run shown under `policy`. */
  plan: { params: { policy: PolicyFields }; result: RunPlans };
  /** Opens the checkpoint in the inspector. */
  open: { params: { dir: string; key: string }; result: void };
  /** Runs *Prune…* on the runs shown with `policy`: it shows the plan and asks before anything goes. */
  prune: { params: { policy: PolicyFields }; result: void };
};

/** What the page shows, read back from it (integration tests). */
export interface ShownRunView {
  metric: string;
  /** The chart's accessible name and whether its canvas has pixels on it. */
  chart: { label: string; drawn: boolean; series: string[] };
  /** Per table row: run label, checkpoint, value shown, plan. */
  rows: Array<{ run: string; name: string; value: string; plan: string }>;
  status: string[];
  summary: string;
}

/** What the page answers (the host asks): for the internal testing command. */
export type RunWebviewMethods = {
  shown: { params: Record<string, never>; result: ShownRunView };
  /** Chooses a metric and a policy as a user would, and resolves once the plan is redrawn. */
  choose: { params: { metric?: string; policy?: Partial<PolicyFields> }; result: ShownRunView };
  /** Activates a point's row as Enter would (opens the checkpoint). */
  activate: { params: { dir: string; key: string }; result: void };
  /** Presses Prune…, and resolves once the flow it starts has ended. */
  prune: { params: Record<string, never>; result: void };
};

export type RunHostEvent =
  | { type: 'loading'; title: string }
  | { type: 'runs'; title: string; runs: RunSeries[]; policy: PolicyFields; plans: RunPlans; trusted: boolean }
  | { type: 'error'; message: string };

export type RunWebviewEvent = { type: 'ready' };
