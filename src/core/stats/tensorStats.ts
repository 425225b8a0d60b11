// Statistics of one tensor from its bytes, streamed: min, max, mean, std (unbiased, as torch.std),
// zeros, NaN and infinity counts, and a histogram between min and max. Computed in float64;
// NaN and infinities are counted but left out of min, max, mean, std and the histogram.
// The 8- and 16-bit dtypes take one pass (bit patterns are counted, then decoded once each);
// wider dtypes take two (the histogram needs min and max first).
import { prefetch } from '../io/prefetch';
import type { ElementKind } from './elementValues';
import { elementKind } from './elementValues';
import { binOf, float32Histogram, float64Histogram, histogramEdges } from './histogram';
import type { MomentsPartial } from './moments';
import { emptyMoments, float32Moments, float64Moments, mergeMoments, repeatedMoments } from './moments';

export interface TensorStats {
  /** Elements in the tensor. */
  count: number;
  /** Over the finite elements; null when there is none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Unbiased (divides by n - 1), as `torch.std`; null with fewer than two finite elements. */
  std: number | null;
  zeros: number;
  nan: number;
  posinf: number;
  neginf: number;
  histogram: { edges: number[]; counts: number[] };
}

export interface StatsOptions {
  bins?: number;
  signal?: AbortSignal;
  /** Bytes read so far, of all the passes together. */
  onProgress?: (done: number, total: number) => void;
}

/** The tensor's bytes, row-major and little-endian, from the start; called once per pass. */
export type ChunkStream = () => AsyncIterable<Uint8Array>;

export const DEFAULT_BINS = 64;
/** Decoded elements per scratch buffer (wider dtypes): 8 MiB of float64. */
const SCRATCH = 1 << 20;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

/** Re-chunks a stream so every chunk holds whole, aligned elements of `unit` bytes. */
export async function* wholeElements(chunks: AsyncIterable<Uint8Array>, unit: number): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array | undefined;
  for await (let chunk of prefetch(chunks)) {
    if (carry) {
      const joined = new Uint8Array(carry.length + chunk.length);
      joined.set(carry);
      joined.set(chunk, carry.length);
      chunk = joined;
      carry = undefined;
    }
    const rest = chunk.length % unit;
    if (rest) {
      carry = chunk.slice(chunk.length - rest);
      chunk = chunk.subarray(0, chunk.length - rest);
    }
    if (chunk.length === 0) continue;
    yield chunk.byteOffset % unit === 0 ? chunk : chunk.slice();
  }
}

type WideKind = Exclude<ElementKind, { kind: 'pattern' }>;

function unitOf(kind: WideKind): number {
  return kind.kind === 'float32' ? 4 : kind.kind === 'float64' ? 8 : kind.itemsize;
}

/** Calls `visit` with each chunk's elements: a float32 or float64 view, or decoded float64s. */
async function forEachElements(
  kind: WideKind,
  chunks: ChunkStream,
  visit: (values: Float32Array | Float64Array, isFloat32: boolean) => void,
  progress: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const unit = unitOf(kind);
  const scratch = kind.kind === 'decode' ? new Float64Array(SCRATCH) : undefined;
  for await (const chunk of wholeElements(chunks(), unit)) {
    checkAbort(signal);
    if (kind.kind === 'float32') visit(new Float32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4), true);
    else if (kind.kind === 'float64') visit(new Float64Array(chunk.buffer, chunk.byteOffset, chunk.length / 8), false);
    else {
      for (let off = 0; off < chunk.length; off += SCRATCH * unit) {
        const part = chunk.subarray(off, Math.min(chunk.length, off + SCRATCH * unit));
        visit(scratch!.subarray(0, kind.decode(part, scratch!)), false);
      }
    }
    progress(chunk.length);
  }
}

/** Pass one over a wide dtype: the moments (min and max decide the histogram's edges). */
export async function scanMoments(kind: WideKind, chunks: ChunkStream, progress: (bytes: number) => void, signal?: AbortSignal): Promise<MomentsPartial> {
  const m = emptyMoments();
  await forEachElements(kind, chunks, (values, f32) => mergeMoments(m, f32 ? float32Moments(values) : float64Moments(values)), progress, signal);
  return m;
}

/** Pass two over a wide dtype: bin counts against `edges`. */
export async function scanHistogram(kind: WideKind, chunks: ChunkStream, edges: Float64Array, progress: (bytes: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  const counts = new Float64Array(edges.length - 1);
  await forEachElements(kind, chunks, (values, f32) => (f32 ? float32Histogram : float64Histogram)(values, edges, counts), progress, signal);
  return counts;
}

/** The one pass over an 8- or 16-bit dtype: how often each bit pattern occurs. */
export async function scanPatterns(bits: 8 | 16, chunks: ChunkStream, progress: (bytes: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  const counts = new Float64Array(1 << bits);
  // Per chunk in 32-bit counters (a chunk has far fewer than 2^32 elements), folded into float64.
  const local = new Uint32Array(1 << bits);
  for await (const chunk of wholeElements(chunks(), bits / 8)) {
    checkAbort(signal);
    local.fill(0);
    const a = bits === 8 ? chunk : new Uint16Array(chunk.buffer, chunk.byteOffset, chunk.length / 2);
    for (let i = 0; i < a.length; i++) local[a[i]]++;
    for (let p = 0; p < local.length; p++) if (local[p]) counts[p] += local[p];
    progress(chunk.length);
  }
  return counts;
}

/** Moments and histogram from pattern counts, each distinct value decoded once. */
export function statsFromPatterns(values: Float64Array, counts: Float64Array, count: number, bins: number): TensorStats {
  const m = emptyMoments();
  for (let p = 0; p < counts.length; p++) if (counts[p] > 0) mergeMoments(m, repeatedMoments(values[p], counts[p]));
  const edges = edgesFor(m, bins);
  const hist = new Float64Array(bins);
  for (let p = 0; p < counts.length; p++) {
    const v = values[p];
    if (counts[p] > 0 && v - v === 0) hist[binOf(v, edges)] += counts[p];
  }
  return assemble(count, m, edges, hist);
}

export function edgesFor(m: MomentsPartial, bins: number): Float64Array {
  return m.n > 0 ? histogramEdges(m.min, m.max, bins) : histogramEdges(0, 0, bins);
}

export function assemble(count: number, m: MomentsPartial, edges: Float64Array, counts: Float64Array): TensorStats {
  const finite = m.n > 0;
  return {
    count,
    min: finite ? m.min : null,
    max: finite ? m.max : null,
    mean: finite ? m.mean : null,
    std: m.n > 1 ? Math.sqrt(m.m2 / (m.n - 1)) : null,
    zeros: m.zeros,
    nan: m.nan,
    posinf: m.posinf,
    neginf: m.neginf,
    histogram: { edges: [...edges], counts: [...counts] },
  };
}

/**
 * Statistics of a tensor of `count` elements of `dtype` (torch's name), read from `chunks`.
 * Throws UnsupportedError for dtypes without plain values (quantized, packed).
 */
export async function computeTensorStats(dtype: string, itemsize: number, count: number, chunks: ChunkStream, options: StatsOptions = {}): Promise<TensorStats> {
  const bins = options.bins ?? DEFAULT_BINS;
  const kind = elementKind(dtype);
  const bytes = count * itemsize;
  const passes = kind.kind === 'pattern' ? 1 : 2;
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    options.onProgress?.(done, passes * bytes);
  };
  if (kind.kind === 'pattern') {
    return statsFromPatterns(kind.values, await scanPatterns(kind.bits, chunks, progress, options.signal), count, bins);
  }
  const m = await scanMoments(kind, chunks, progress, options.signal);
  const edges = edgesFor(m, bins);
  const counts = m.n > 0 ? await scanHistogram(kind, chunks, edges, progress, options.signal) : new Float64Array(bins);
  return assemble(count, m, edges, counts);
}
