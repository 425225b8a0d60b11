// The heavy loops over tensor bytes, as functions of plans: hashing, the statistics passes, the
// NaN/Inf scan and the comparison of two tensors. The kernel worker runs them on its own thread; the session runs them in
// place when the work is too small to be worth a message.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { prefetch } from '../io/prefetch';
import { DamagedRecordError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { elementKind } from '../stats/elementValues';
import type { MomentsPartial } from '../stats/moments';
import type { NonFiniteCounts } from '../stats/nonFinite';
import { countNonFinite } from '../stats/nonFinite';
import { diffTensorStreams } from '../stats/tensorDiff';
import type { TensorDiffResult } from '../stats/tensorDiff';
import { scanHistogram, scanMoments, scanPatterns } from '../stats/tensorStats';
import { tensorChunks } from '../torch/tensorBytes';
import type { ComparePair } from './kernelProtocol';
import { ChunkRing, planChunks } from './planChunks';
import type { TensorPlan } from './tensorPlan';
import { planReader } from './tensorPlan';

export interface KernelContext {
  signal?: AbortSignal;
  /** Bytes of tensor data read so far by this call. */
  progress?: (bytes: number) => void;
}

/** Opens (or reuses) the byte source of a plan. */
export type SourceOpener = (plan: TensorPlan) => Promise<ByteSource>;

function counter(context: KernelContext): (bytes: number) => void {
  let done = 0;
  return (bytes) => {
    done += bytes;
    context.progress?.(done);
  };
}

/** What a sha256 kernel found for one plan: the hash, or the damaged record its bytes came from. */
export type HashOutcome = { sha256: string } | { damaged: { record: string; storedCrc: number; computedCrc: number } };

/**
 * sha256 (hex) of each tensor's elements, row-major and little-endian, in plan order. A plan with
 * `crc` has its record's CRC-32 checked on the same bytes; a mismatch is that plan's outcome.
 */
export async function sha256Kernel(plans: readonly TensorPlan[], open: SourceOpener, context: KernelContext = {}): Promise<HashOutcome[]> {
  const out: HashOutcome[] = [];
  const progress = counter(context);
  for (const plan of plans) {
    const hash = createHash('sha256');
    let crc = 0;
    // The next chunk is read (on libuv's threads) while this one is hashed.
    for await (const chunk of prefetch(tensorChunks(planReader(plan, await open(plan)), plan.tensor, context.signal))) {
      hash.update(chunk);
      if (plan.crc) crc = crc32(chunk, crc);
      progress(chunk.length);
    }
    if (plan.crc && crc >>> 0 !== plan.crc.crc32) out.push({ damaged: { record: plan.crc.record, storedCrc: plan.crc.crc32, computedCrc: crc >>> 0 } });
    else out.push({ sha256: hash.digest('hex') });
  }
  return out;
}

/** The error a damaged outcome stands for. */
export function damagedError(outcome: Extract<HashOutcome, { damaged: unknown }>): DamagedRecordError {
  return new DamagedRecordError(outcome.damaged.record, outcome.damaged.storedCrc, outcome.damaged.computedCrc);
}

/** NaN and infinity counts of each tensor, in plan order, one pass each. */
export async function nonFiniteKernel(plans: readonly TensorPlan[], open: SourceOpener, context: KernelContext = {}): Promise<NonFiniteCounts[]> {
  const out: NonFiniteCounts[] = [];
  const progress = counter(context);
  for (const plan of plans) {
    out.push(await countNonFinite(elementKind(plan.tensor.dtype.name), streamOf(plan, await open(plan), context.signal), progress, context.signal));
  }
  return out;
}

function streamOf(plan: TensorPlan, source: ByteSource, signal?: AbortSignal): () => AsyncIterable<Uint8Array> {
  return () => tensorChunks(planReader(plan, source), plan.tensor, signal);
}

function wideKind(plan: TensorPlan) {
  const kind = elementKind(plan.tensor.dtype.name);
  if (kind.kind === 'pattern') throw new Error(`${plan.tensor.dtype.name} is counted by patterns, not scanned`);
  return kind;
}

/** Statistics pass one (wide dtypes) over one plan. */
export async function momentsKernel(plan: TensorPlan, open: SourceOpener, context: KernelContext = {}): Promise<MomentsPartial> {
  return scanMoments(wideKind(plan), streamOf(plan, await open(plan), context.signal), counter(context), context.signal);
}

/** Statistics pass two (wide dtypes): bin counts against `edges`. */
export async function histogramKernel(plan: TensorPlan, edges: Float64Array, open: SourceOpener, context: KernelContext = {}): Promise<Float64Array> {
  return scanHistogram(wideKind(plan), streamOf(plan, await open(plan), context.signal), edges, counter(context), context.signal);
}

/** The one pass of 8- and 16-bit dtypes: counts of every bit pattern. */
export async function patternsKernel(plan: TensorPlan, open: SourceOpener, context: KernelContext = {}): Promise<Float64Array> {
  const kind = elementKind(plan.tensor.dtype.name);
  if (kind.kind !== 'pattern') throw new Error(`${plan.tensor.dtype.name} is scanned, not counted by patterns`);
  return scanPatterns(kind.bits, streamOf(plan, await open(plan), context.signal), counter(context), context.signal);
}

/** Progress of a comparison is passed on every this many bytes (a message per small chunk costs). */
const COMPARE_PROGRESS_BYTES = 64 * 1024 * 1024;

/** How each pair of tensors differs (see stats/tensorDiff.ts), in pair order. */
export async function compareKernel(pairs: readonly ComparePair[], open: SourceOpener, context: KernelContext = {}): Promise<TensorDiffResult[]> {
  const out: TensorDiffResult[] = [];
  let done = 0;
  let told = 0;
  const progress = (bytes: number): void => {
    done += bytes;
    if (done - told >= COMPARE_PROGRESS_BYTES) context.progress?.((told = done));
  };
  const rings = [ChunkRing.lease(), ChunkRing.lease()] as const;
  try {
    for (const pair of pairs) {
      const [sa, sb] = await Promise.all([open(pair.a), open(pair.b)]);
      const result = await diffTensorStreams(pair.a.tensor.dtype.name, ringStreams(pair.a, sa, rings[0], context.signal), ringStreams(pair.b, sb, rings[1], context.signal), {
        values: pair.values,
        progress,
        signal: context.signal,
      });
      out.push(result);
    }
  } finally {
    rings.forEach((r) => r.release());
  }
  if (done > told) context.progress?.(done);
  return out;
}

/**
 * A plan's streams for diffTensorStreams: the first reads into `ring`; a second one (A's equal
 * prefix read again) runs while the first's chunks are in use, so it gets buffers of its own.
 */
function ringStreams(plan: TensorPlan, source: ByteSource, ring: ChunkRing, signal?: AbortSignal): () => AsyncIterable<Uint8Array> {
  let first = true;
  return () => {
    const mine = first ? ring : undefined;
    first = false;
    return planChunks(plan, source, signal, mine);
  };
}
