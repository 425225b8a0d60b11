// The seam between the inspector's editor and whatever computes statistics: the editor's request
// handlers call an InspectorStatsSource, which an InspectorDocument provides. This one asks the
// document's open session (the session worker's RemoteSession in the extension; an in-process
// CheckpointSession answers the same two calls in unit tests).
import type { WorkOptions } from '../core/session/workOptions';
import type { TensorStats } from '../core/stats/tensorStats';
import type { NonFiniteTensor } from '../shared/protocol';

export interface StatsRunOptions {
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}

export interface InspectorStatsSource {
  tensorStats(path: string, o: StatsRunOptions): Promise<TensorStats>;
  scanNonFinite(o: StatsRunOptions): Promise<NonFiniteTensor[]>;
}

/** What a statistics source needs of a session. */
export interface StatsSession {
  stats(path: string, options?: WorkOptions): Promise<TensorStats>;
  scanNonFinite(options?: WorkOptions): Promise<{ scanned: number; found: NonFiniteTensor[] }>;
}

const NOT_OPEN = 'The checkpoint is not open (it is still loading, or could not be read).';

/** Statistics from whatever session `current` returns at the time of each request. */
export function sessionStatsSource(current: () => StatsSession | undefined): InspectorStatsSource {
  const session = (): StatsSession => {
    const s = current();
    if (!s) throw Object.assign(new Error(NOT_OPEN), { code: 'not-open' });
    return s;
  };
  return {
    tensorStats: async (path, o) => session().stats(path, o),
    scanNonFinite: async (o) => (await session().scanNonFinite(o)).found.map(({ path, dtype, count, nan, posinf, neginf }) => ({ path, dtype, count, nan, posinf, neginf })),
  };
}
