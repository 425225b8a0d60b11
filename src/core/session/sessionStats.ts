// Statistics of one tensor, and the NaN/Inf scan over all of them. A big contiguous tensor stored
// as it is gets split into pieces the kernel workers reduce on every core (moments, then the
// histogram against the merged min and max; or bit-pattern counts for 8- and 16-bit dtypes); the
// rest is read in place, its record's CRC-32 checked when the tensor is the whole record.
import type { KernelPool } from '../parallel/kernelPool';
import type { TensorPlan } from '../parallel/tensorPlan';
import { splitPlan } from '../parallel/tensorPlan';
import { elementKind } from '../stats/elementValues';
import { emptyMoments, mergeMoments } from '../stats/moments';
import type { NonFiniteCounts } from '../stats/nonFinite';
import { canBeNonFinite, countNonFinite } from '../stats/nonFinite';
import type { TensorStats } from '../stats/tensorStats';
import { assemble, computeTensorStats, DEFAULT_BINS, edgesFor, statsFromPatterns } from '../stats/tensorStats';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorChunks } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import { numel, tensorNbytes } from '../torch/tensorRef';
import type { PyOpaque } from '../values/pyValue';
import { shareOut } from './shareOut';
import type { WorkOptions } from './workOptions';
import { allOrStop, progressOf, withLinkedStop } from './workOptions';

/** Pieces per worker: more than one evens out pieces that read slower (colder pages). */
const PIECES_PER_WORKER = 2;

function splitStats(pool: KernelPool, plan: TensorPlan, bins: number, options: WorkOptions): Promise<TensorStats> {
  return withLinkedStop(options.signal, (stop) => splitStatsUntil(stop, pool, plan, bins, options));
}

/** splitStats, its pieces stopped together by `stop`. */
async function splitStatsUntil(stop: AbortController, pool: KernelPool, plan: TensorPlan, bins: number, options: WorkOptions): Promise<TensorStats> {
  const t = plan.tensor;
  const bytes = tensorNbytes(t);
  const kind = elementKind(t.dtype.name);
  const pieces = splitPlan(plan, pool.size * PIECES_PER_WORKER);
  const run = async <R>(each: (piece: TensorPlan, onProgress: (n: number) => void) => Promise<R>, progress: ReturnType<typeof progressOf>): Promise<R[]> => {
    return allOrStop(pieces.map((p) => each(p, progress.part())), stop);
  };
  const signal = stop.signal;
  if (kind.kind === 'pattern') {
    const progress = progressOf(bytes, options);
    const parts = await run((piece, onProgress) => pool.run('patterns', { plan: piece }, { signal, onProgress }), progress);
    const counts = new Float64Array(1 << kind.bits);
    for (const part of parts) for (let i = 0; i < counts.length; i++) counts[i] += part[i];
    return statsFromPatterns(kind.values, counts, numel(t.shape), bins);
  }
  const progress = progressOf(2 * bytes, options);
  const moments = emptyMoments();
  for (const part of await run((piece, onProgress) => pool.run('moments', { plan: piece }, { signal, onProgress }), progress)) mergeMoments(moments, part);
  const edges = edgesFor(moments, bins);
  const counts = new Float64Array(bins);
  if (moments.n > 0) {
    for (const part of await run((piece, onProgress) => pool.run('histogram', { plan: piece, edges }, { signal, onProgress }), progress)) {
      for (let i = 0; i < bins; i++) counts[i] += part[i];
    }
  }
  return assemble(numel(t.shape), moments, edges, counts);
}

export interface StatsInput {
  checkpoint: LoadedCheckpoint;
  tensor: TensorRef;
  plan?: TensorPlan;
  pool?: KernelPool;
}

export async function statsOf(input: StatsInput, options: WorkOptions & { bins?: number } = {}): Promise<TensorStats> {
  const { checkpoint, tensor, plan, pool } = input;
  const bins = options.bins ?? DEFAULT_BINS;
  if (pool && plan && splitPlan(plan, pool.size * PIECES_PER_WORKER).length > 1) return splitStats(pool, plan, bins, options);
  const chunks = () => tensorChunks(checkpoint, tensor, options.signal, 'when-free');
  return computeTensorStats(tensor.dtype.name, tensor.dtype.itemsize, numel(tensor.shape), chunks, { bins, signal: options.signal, onProgress: options.onProgress });
}

export interface NonFiniteRow extends NonFiniteCounts {
  path: string;
  dtype: string;
  count: number;
}

export interface ScanInput {
  checkpoint: LoadedCheckpoint;
  /** Each distinct tensor with the path it is first seen under. */
  tensors: ReadonlyArray<{ tensor: PyOpaque<TensorRef>; path: string }>;
  planOf(tensor: PyOpaque<TensorRef>): Promise<TensorPlan | undefined>;
  pool?: KernelPool;
  inPlaceBytes?: number;
}

/** The floating-point tensors that hold any NaN or infinity, in checkpoint order. */
export async function scanNonFinite(input: ScanInput, options: WorkOptions = {}): Promise<{ scanned: number; found: NonFiniteRow[] }> {
  const { checkpoint } = input;
  const candidates = input.tensors.filter((c) => canBeNonFinite(c.tensor.payload.dtype.name));
  const counts = new Map<object, NonFiniteCounts>();
  await shareOut(
    {
      items: candidates,
      tensorOf: (c) => c.tensor,
      planOf: input.planOf,
      pool: input.pool,
      inPlaceBytes: input.inPlaceBytes,
      inWorker: async (pool, share, plans, signal, onProgress) => {
        const found = await pool.run('nonFinite', { plans }, { signal, onProgress });
        share.forEach((c, i) => counts.set(c.tensor, found[i]));
      },
      inPlace: async (c, signal, progress) => {
        const t = c.tensor.payload;
        const chunks = () => tensorChunks(checkpoint, t, signal, 'when-free');
        counts.set(c.tensor, await countNonFinite(elementKind(t.dtype.name), chunks, progress, signal));
      },
    },
    options,
  );
  const found: NonFiniteRow[] = [];
  for (const c of candidates) {
    const n = counts.get(c.tensor)!;
    if (n.nan + n.posinf + n.neginf > 0) found.push({ path: c.path, dtype: c.tensor.payload.dtype.name, count: numel(c.tensor.payload.shape), ...n });
  }
  return { scanned: candidates.length, found };
}
