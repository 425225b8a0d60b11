// The seam between the inspector's editor and whatever computes statistics: the editor's request
// handlers call an InspectorStatsSource, which an InspectorDocument provides. This one runs in the
// extension host, opening the file for each request; a worker client can take its place.
import type { TensorStats } from '../core/stats/tensorStats';
import { openCheckpoint } from '../core/checkpoint/openCheckpoint';
import { scanNonFinite, statsOfTensor } from '../core/inspect/checkpointStats';
import { FileByteSource } from '../core/io/fileByteSource';
import type { LoadedCheckpoint } from '../core/torch/loadedCheckpoint';
import type { NonFiniteTensor } from '../shared/protocol';

export interface StatsRunOptions {
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}

export interface InspectorStatsSource {
  tensorStats(path: string, o: StatsRunOptions): Promise<TensorStats>;
  scanNonFinite(o: StatsRunOptions): Promise<NonFiniteTensor[]>;
}

async function withCheckpoint<T>(file: string, signal: AbortSignal, use: (ckpt: LoadedCheckpoint) => Promise<T>): Promise<T> {
  const source = await FileByteSource.open(file);
  try {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
    return await use(await openCheckpoint(source));
  } finally {
    await source.close();
  }
}

/** Statistics read from the file at `file` (a `file:` URI's fsPath), in this process. */
export function fileStatsSource(file: string): InspectorStatsSource {
  return {
    tensorStats: (path, o) => withCheckpoint(file, o.signal, (ckpt) => statsOfTensor(ckpt, path, o)),
    scanNonFinite: (o) => withCheckpoint(file, o.signal, (ckpt) => scanNonFinite(ckpt, o)),
  };
}

/** For documents that cannot be read (other URI schemes): every request fails with `message`. */
export function unavailableStatsSource(message: string): InspectorStatsSource {
  const fail = (): Promise<never> => Promise.reject(Object.assign(new Error(message), { code: 'unsupported' }));
  return { tensorStats: fail, scanNonFinite: fail };
}
