// Statistics over an opened checkpoint, by the paths `inspect` names its tensors with: one
// tensor's full statistics, and a scan of every tensor for NaN and infinities. Each reads only
// the bytes of the tensors it looks at, streamed, and stops when the signal aborts.
import { UnsupportedError } from '../errors';
import { elementKind } from '../stats/elementValues';
import type { TensorStats } from '../stats/tensorStats';
import { computeTensorStats, scanMoments, scanPatterns, statsFromPatterns } from '../stats/tensorStats';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorChunks } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import { numel, tensorNbytes } from '../torch/tensorRef';
import { distinctTensors, walkTensors } from '../torch/tensorWalk';

export interface ByteProgressOptions {
  signal?: AbortSignal;
  /** Bytes read so far, of all the bytes the call reads. */
  onProgress?: (done: number, total: number) => void;
}

export interface NonFiniteCounts {
  path: string;
  dtype: string;
  count: number;
  nan: number;
  posinf: number;
  neginf: number;
}

/** The tensor at `path` (as `inspect` names it), or a clear error when there is none. */
export function tensorAt(ckpt: LoadedCheckpoint, path: string): TensorRef {
  const found = walkTensors(ckpt.root).find((o) => o.path === path);
  if (!found) throw new UnsupportedError(`there is no tensor at "${path}" in this file (was it rewritten since?).`);
  return found.tensor.payload;
}

/** Full statistics of the tensor at `path`. */
export function statsOfTensor(ckpt: LoadedCheckpoint, path: string, options: ByteProgressOptions = {}): Promise<TensorStats> {
  const t = tensorAt(ckpt, path);
  return computeTensorStats(t.dtype.name, t.dtype.itemsize, numel(t.shape), () => tensorChunks(ckpt, t, options.signal), options);
}

/** Only floating and complex dtypes can hold NaN or infinities; integers and bools are not read. */
export function mayHoldNonFinite(dtype: string): boolean {
  return dtype.startsWith('float') || dtype.startsWith('bfloat') || dtype.startsWith('complex');
}

/** NaN and infinity counts of one tensor, in one pass over its bytes. */
async function nonFiniteOf(ckpt: LoadedCheckpoint, t: TensorRef, progress: (bytes: number) => void, signal?: AbortSignal): Promise<{ nan: number; posinf: number; neginf: number }> {
  const kind = elementKind(t.dtype.name);
  const chunks = () => tensorChunks(ckpt, t, signal);
  if (kind.kind === 'pattern') {
    const s = statsFromPatterns(kind.values, await scanPatterns(kind.bits, chunks, progress, signal), numel(t.shape), 1);
    return { nan: s.nan, posinf: s.posinf, neginf: s.neginf };
  }
  const m = await scanMoments(kind, chunks, progress, signal);
  return { nan: m.nan, posinf: m.posinf, neginf: m.neginf };
}

/**
 * Every distinct tensor holding NaN or infinities, in file order, named by its first path. Bytes
 * read are reported against the bytes of all floating tensors.
 */
export async function scanNonFinite(ckpt: LoadedCheckpoint, options: ByteProgressOptions = {}): Promise<NonFiniteCounts[]> {
  const occurrences = walkTensors(ckpt.root);
  const firstPath = new Map<object, string>();
  for (const o of occurrences) if (!firstPath.has(o.tensor)) firstPath.set(o.tensor, o.path);
  const candidates = distinctTensors(occurrences).filter((t) => mayHoldNonFinite(t.payload.dtype.name));
  const total = candidates.reduce((sum, t) => sum + tensorNbytes(t.payload), 0);
  let done = 0;
  const progress = (bytes: number): void => {
    done += bytes;
    options.onProgress?.(done, total);
  };
  const found: NonFiniteCounts[] = [];
  for (const tensor of candidates) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('Cancelled.');
    const t = tensor.payload;
    const counts = await nonFiniteOf(ckpt, t, progress, options.signal);
    if (counts.nan + counts.posinf + counts.neginf > 0) {
      found.push({ path: firstPath.get(tensor)!, dtype: t.dtype.name, count: numel(t.shape), ...counts });
    }
  }
  options.onProgress?.(total, total);
  return found;
}
