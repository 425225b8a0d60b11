// Statistics and a histogram of the difference B - A of two tensors of one dtype and shape, for
// the compare report's detail view: both streams are walked side by side chunk by chunk
// (chunkPairs.ts), each pair of elements decoded to float64 and subtracted into a scratch buffer,
// which is reduced as one tensor's values are (moments, then 64 bins between the finite min and
// max of the difference). Two passes over both files; memory stays a few chunks and the scratch.
import { throwIfAborted, UnsupportedError } from '../errors';
import { chunkPairs } from './chunkPairs';
import { float64Histogram } from './histogram';
import { emptyMoments, float64Moments, mergeMoments } from './moments';
import { Decoder, SCRATCH, unitOf, valueKind } from './tensorDiff';
import type { ChunkStream, TensorStats } from './tensorStats';
import { assemble, DEFAULT_BINS, edgesFor } from './tensorStats';

export interface DiffHistogramOptions {
  bins?: number;
  signal?: AbortSignal;
  /** Bytes read so far of both tensors and both passes, of the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Calls `visit` with each run of differences b - a, in float64. */
async function forEachDifference(decoders: [Decoder, Decoder], a: ChunkStream, b: ChunkStream, scratch: Float64Array, visit: (d: Float64Array) => void, progress: (bytes: number) => void, signal?: AbortSignal): Promise<void> {
  const [da, db] = decoders;
  for await (const [ca, cb] of chunkPairs(a(), b(), da.unit)) {
    throwIfAborted(signal);
    const count = ca.length / da.unit;
    for (let from = 0; from < count; from += SCRATCH) {
      const va = da.values(ca, from);
      const vb = db.values(cb, from);
      const n = va.length;
      for (let i = 0; i < n; i++) scratch[i] = vb[i] - va[i];
      visit(scratch.subarray(0, n));
    }
    progress(2 * ca.length);
  }
}

/**
 * The difference B - A of `count` elements of `dtype` (torch's name) that `a` and `b` stream, as
 * TensorStats: min, max, mean, std and the histogram of the finite differences, with NaN (a NaN
 * on either side, or inf - inf) and infinities counted apart. Throws UnsupportedError for dtypes
 * whose differences are not computed (complex, quantized, packed).
 */
export async function diffHistogram(dtype: string, count: number, a: ChunkStream, b: ChunkStream, options: DiffHistogramOptions = {}): Promise<TensorStats> {
  const kind = valueKind(dtype);
  if (typeof kind === 'string') throw new UnsupportedError(kind);
  const bins = options.bins ?? DEFAULT_BINS;
  const total = 2 * 2 * count * unitOf(kind);
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    options.onProgress?.(done, total);
  };
  const decoders: [Decoder, Decoder] = [new Decoder(kind), new Decoder(kind)];
  const scratch = new Float64Array(Math.min(SCRATCH, Math.max(1, count)));
  const m = emptyMoments();
  await forEachDifference(decoders, a, b, scratch, (d) => mergeMoments(m, float64Moments(d)), progress, options.signal);
  const edges = edgesFor(m, bins);
  const counts = new Float64Array(bins);
  if (m.n > 0) await forEachDifference(decoders, a, b, scratch, (d) => float64Histogram(d, edges, counts), progress, options.signal);
  else progress(total - done);
  return assemble(count, m, edges, counts);
}
