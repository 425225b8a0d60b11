// The messages between the compare report's host (extension) and its webview, over RpcEndpoint
// as the inspector's are (protocol.ts): the host sends the report once the page says `ready`; the
// page asks for one tensor pair's detail (both sides' statistics and the histogram of B - A).
// Types only, so both bundles can import it.
import type { CompareReport } from '../core/compare/compareReport';
import type { LayerChanges } from '../core/compare/layerGroups';
import type { TensorStats } from '../core/stats/tensorStats';
import type { ByteProgress } from './protocol';

/** The two files, as the page names them. */
export interface CompareNames {
  a: string;
  b: string;
}

/** One pair of common tensors: both sides' statistics and those of the difference B - A. */
export interface TensorDetail {
  a: TensorStats;
  b: TensorStats;
  difference: TensorStats;
}

export type CompareHostMethods = {
  /** The detail of A's tensor at `pathA` and B's at `pathB`; progress over the three reads together. */
  tensorDetail: { params: { pathA: string; pathB: string }; result: TensorDetail; progress: ByteProgress };
};

/** What the report page shows, read back from it (for the integration tests). */
export interface ShownCompare {
  /** The plain sentence at the top. */
  summary: string;
  /** The summary table: category → its text (`12 tensors · 1.2 KiB`). */
  counts: Record<string, string>;
  /** The chart's accessible name, and whether its canvas has pixels. */
  chart?: { label: string; drawn: boolean };
  /** Rows each category's table shows now (after its filter). */
  rows: Record<string, number>;
  /** The tensor whose detail is shown, its state (`running`, `shown`, `error`, `cancelled`) and what it shows. */
  detail?: { path: string; state: string; cells: Record<string, [string, string]>; chart?: { label: string; drawn: boolean }; message?: string };
}

export type CompareWebviewMethods = {
  /** Selects a changed tensor's row as a click would; resolves once its detail (or error) is shown. */
  selectTensor: { params: { path: string }; result: ShownCompare };
  shown: { params: Record<string, never>; result: ShownCompare };
};

export type CompareHostEvent = { type: 'report'; report: CompareReport; layers: LayerChanges; names: CompareNames };

export type CompareWebviewEvent = { type: 'ready' };
