// What the run view and the storage report are sent, as types only: the webview bundles import
// these (through src/shared) without pulling in the Node code that computes them.
import type { RunListing } from '../listing/listingTypes';
import type { RunStatus } from '../listing/runStatus';
import type { StorageBytes } from '../listing/storageUsage';

export interface RunPoint {
  /** Its key in the run's state file; also how the view names it to the host. */
  key: string;
  name: string;
  step: number | null;
  epoch?: number;
  /** Where it sits on the x axis (the step, the epoch, or its place in the run); null off the chart (`best.pt` beside `epoch_N.pt`). */
  x: number | null;
  /** The file the inspector opens; null for a step with no model file yet. */
  openPath: string | null;
  metrics: Record<string, number>;
  bytes: number;
  modelBytes: number;
  optimizerBytes: number;
  /** Sidecars, schedulers, single-file checkpoints (model and optimizer not told apart). */
  otherBytes: number;
  best: boolean;
  pinned?: boolean;
  note?: string;
  archived?: number;
  incomplete?: string;
}

export interface RunSeries {
  /** The run's folder: how the view names the run to the host. */
  dir: string;
  /** `Base · d4`, `workspace · checkpoints`. */
  label: string;
  tag: string;
  kind: RunListing['kind'];
  /** What the x axis counts for this run. */
  axis: 'step' | 'epoch' | 'order';
  points: RunPoint[];
  /** Every metric any point has, sorted, the run's own first. */
  metrics: string[];
  /** The metric the run's best goes by, and its direction. */
  primaryMetric?: { name: string; lowerIsBetter: boolean };
  status: RunStatus;
}

export interface PlannedPoint {
  key: string;
  keep: boolean;
  /** `kept: newest, in latest 3`, `deleted: not in latest 3`. */
  reason: string;
  bytes: number;
}

export interface RunPlanView {
  dir: string;
  /** What keep-best and the best go by. */
  metric?: { name: string; mode: 'min' | 'max' };
  points: PlannedPoint[];
  kept: number;
  deleted: number;
  /** The sizes of the deleted checkpoints as listed (a prune measures again before it deletes). */
  reclaimBytes: number;
  /** `keep latest 3, best 1 by val_bpb (min)`. */
  policy: string;
}

export interface PolicyFields {
  keepLast: number;
  keepBest: number;
  /** Empty: each run's own metric. */
  metric: string;
  mode: 'auto' | 'min' | 'max';
  keepEvery: number;
}

export interface Reclaim {
  bytes: number;
  checkpoints: number;
}

export interface StorageReportRow extends StorageBytes {
  level: 'root' | 'kind' | 'run';
  label: string;
  /** The folder *Prune this* acts on. */
  path: string;
  reclaimBytes: number;
  reclaimCheckpoints: number;
  depth: number;
}
