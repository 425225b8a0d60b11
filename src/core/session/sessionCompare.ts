// Comparisons between two open sessions, as the session worker answers them: the whole report
// (compareCheckpoints on both parses, with the per-layer grouping the report's chart draws), and
// for one pair of tensors the statistics and histogram of their difference B - A.
import { setMaxListeners } from 'node:events';
import { compareCheckpoints } from '../compare/compareCheckpoints';
import type { CompareReport } from '../compare/compareReport';
import type { AlignOptions } from '../compare/keyAlignment';
import type { LayerChanges } from '../compare/layerGroups';
import { layerChanges } from '../compare/layerGroups';
import { diffHistogram } from '../stats/diffHistogram';
import type { TensorStats } from '../stats/tensorStats';
import { tensorChunks } from '../torch/tensorBytes';
import { numel } from '../torch/tensorRef';
import type { CheckpointSession } from './checkpointSession';
import type { WorkOptions } from './workOptions';
import { withLinkedStop } from './workOptions';

export interface SessionComparison {
  report: CompareReport;
  /** The model's rel_l2 per block and module kind. */
  layers: LayerChanges;
}

export async function compareSessions(a: CheckpointSession, b: CheckpointSession, options: AlignOptions & WorkOptions = {}): Promise<SessionComparison> {
  // Every kernel call listens on the signal: many listeners by design, not a leak.
  const report = await withLinkedStop(options.signal, (stop) => {
    setMaxListeners(0, stop.signal);
    return compareCheckpoints(a.compareSide(), b.compareSide(), { ...options, signal: stop.signal, pool: a.kernels ?? b.kernels });
  });
  return { report, layers: layerChanges(report) };
}

/** A tensor pair that cannot be subtracted element by element. */
export class NotComparableError extends Error {
  readonly code = 'not-comparable';
  override readonly name = 'NotComparableError';
}

/** Statistics of B's tensor at `pathB` minus A's at `pathA` (same dtype and shape), streamed from both files. */
export async function differenceStats(a: CheckpointSession, pathA: string, b: CheckpointSession, pathB: string, options: WorkOptions & { bins?: number } = {}): Promise<TensorStats> {
  const ta = a.tensor(pathA).tensor.payload;
  const tb = b.tensor(pathB).tensor.payload;
  const same = ta.dtype.name === tb.dtype.name && ta.shape.length === tb.shape.length && ta.shape.every((d, i) => d === tb.shape[i]);
  if (!same) throw new NotComparableError(`${pathA} (${ta.dtype.name} [${ta.shape.join(', ')}]) and ${pathB} (${tb.dtype.name} [${tb.shape.join(', ')}]) differ in dtype or shape: there is no element-wise difference.`);
  return diffHistogram(ta.dtype.name, numel(ta.shape), () => tensorChunks(a.checkpoint, ta, options.signal, 'when-free'), () => tensorChunks(b.checkpoint, tb, options.signal, 'when-free'), options);
}
