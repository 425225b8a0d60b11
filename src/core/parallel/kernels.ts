// The heavy loops over tensor bytes, as functions of plans: hashing, the statistics passes, the
// NaN/Inf scan and the comparison of two tensors. The kernel worker runs them on its own thread; the session runs them in
// place when the work is too small to be worth a message.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { prefetch } from '../io/prefetch';
import { DamagedRecordError, throwIfAborted } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { elementKind } from '../stats/elementValues';
import type { MomentsPartial } from '../stats/moments';
import type { NonFiniteCounts } from '../stats/nonFinite';
import { countNonFinite } from '../stats/nonFinite';
import { diffTensorStreams } from '../stats/tensorDiff';
import type { TensorDiffResult } from '../stats/tensorDiff';
import { scanHistogram, scanMoments, scanPatterns } from '../stats/tensorStats';
import { swapUnit } from '../torch/dtypes';
import { checkTensorBounds, tensorChunks } from '../torch/tensorBytes';
import { isContiguous } from '../torch/tensorRef';
import { bytesAllEqual, canCheckEqual } from './equalBytes';
import type { ComparePair } from './kernelProtocol';
import { ChunkRing, planChunks } from './planChunks';
import type { TensorPlan } from './tensorPlan';
import { planBytes, planReader, planStart } from './tensorPlan';

export interface KernelContext {
  signal?: AbortSignal;
  /** Bytes of tensor data read so far by this call. */
  progress?: (bytes: number) => void;
}

/** Opens (or reuses) the byte source of a plan. */
export type SourceOpener = (plan: TensorPlan) => Promise<ByteSource>;

/**
 * Progress is passed on every this many bytes: a message per small chunk costs (a structured
 * clone and a wake-up of the other thread each, some 1,000 a second per GB/s).
 */
const PROGRESS_BYTES = 32 * 1024 * 1024;

interface Counter {
  (bytes: number): void;
  /** Passes on what is not told yet: called once a kernel's reading is done. */
  flush(): void;
}

function counter(context: KernelContext): Counter {
  let done = 0;
  let told = 0;
  const add = (bytes: number): void => {
    done += bytes;
    if (done - told >= PROGRESS_BYTES) context.progress?.((told = done));
  };
  return Object.assign(add, { flush: () => (done > told ? context.progress?.((told = done)) : undefined) });
}

/** `work` with a counter that is flushed when it settles. */
async function counted<R>(context: KernelContext, work: (progress: Counter) => Promise<R>): Promise<R> {
  const progress = counter(context);
  try {
    return await work(progress);
  } finally {
    progress.flush();
  }
}

/** What a sha256 kernel found for one plan: the hash, or the damaged record its bytes came from. */
export type HashOutcome = { sha256: string } | { damaged: { record: string; storedCrc: number; computedCrc: number } };

/**
 * sha256 (hex) of each tensor's elements, row-major and little-endian, in plan order. A plan with
 * `crc` has its record's CRC-32 checked on the same bytes; a mismatch is that plan's outcome.
 */
export async function sha256Kernel(plans: readonly TensorPlan[], open: SourceOpener, context: KernelContext = {}): Promise<HashOutcome[]> {
  return counted(context, async (progress) => {
    const out: HashOutcome[] = [];
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
  });
}

/**
 * The CRC-32 of each plan's bytes, in plan order: an export copies a record on its own thread
 * while a kernel worker reads the record again and checks it on another core. A contiguous range
 * of a file is read with the source's blocking reads (readIntoSync): this worker has nothing else
 * to do meanwhile, and libuv's thread pool, which the copy's reads and writes go through, is left
 * to the copy (the copy of a 1 GiB checkpoint took 0.50-0.64 s beside a check through the pool,
 * 0.46-0.48 s beside this).
 */
export async function crc32Kernel(plans: readonly TensorPlan[], open: SourceOpener, context: KernelContext = {}): Promise<number[]> {
  return counted(context, async (progress) => {
    const out: number[] = [];
    const ring = ChunkRing.lease();
    let buffer: Uint8Array | undefined;
    try {
      for (const plan of plans) {
        const source = await open(plan);
        const t = plan.tensor;
        if (source.readIntoSync && isContiguous(t) && (plan.littleEndian || swapUnit(t.dtype) === 1)) {
          checkTensorBounds(t);
          buffer ??= new Uint8Array(Buffer.allocUnsafeSlow(CRC_CHUNK).buffer);
          out.push(await blockingCrc(source, planStart(plan), planBytes(plan), buffer, progress, context.signal));
          continue;
        }
        let crc = 0;
        for await (const chunk of planChunks(plan, source, context.signal, ring)) {
          crc = crc32(chunk, crc);
          progress(chunk.length);
        }
        out.push(crc >>> 0);
      }
    } finally {
      ring.release();
    }
    return out;
  });
}

const CRC_CHUNK = 1024 * 1024;
/** The blocking loop gives way this often, so that a cancel (a message) is seen. */
const YIELD_BYTES = 64 * 1024 * 1024;

async function blockingCrc(source: ByteSource, start: number, length: number, buffer: Uint8Array, progress: (bytes: number) => void, signal?: AbortSignal): Promise<number> {
  let crc = 0;
  for (let done = 0, sinceYield = 0; done < length; ) {
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throwIfAborted(signal);
    const n = Math.min(buffer.length, length - done);
    crc = crc32(source.readIntoSync!(start + done, buffer.subarray(0, n)), crc);
    done += n;
    sinceYield += n;
    progress(n);
  }
  return crc >>> 0;
}

/** The error a damaged outcome stands for. */
export function damagedError(outcome: Extract<HashOutcome, { damaged: unknown }>): DamagedRecordError {
  return new DamagedRecordError(outcome.damaged.record, outcome.damaged.storedCrc, outcome.damaged.computedCrc);
}

/** NaN and infinity counts of each tensor, in plan order, one pass each. */
export async function nonFiniteKernel(plans: readonly TensorPlan[], open: SourceOpener, context: KernelContext = {}): Promise<NonFiniteCounts[]> {
  return counted(context, async (progress) => {
    const out: NonFiniteCounts[] = [];
    for (const plan of plans) out.push(await countNonFinite(elementKind(plan.tensor.dtype.name), streamOf(plan, await open(plan), context.signal), progress, context.signal));
    return out;
  });
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
  const stream = streamOf(plan, await open(plan), context.signal);
  return counted(context, (progress) => scanMoments(wideKind(plan), stream, progress, context.signal));
}

/** Statistics pass two (wide dtypes): bin counts against `edges`. */
export async function histogramKernel(plan: TensorPlan, edges: Float64Array, open: SourceOpener, context: KernelContext = {}): Promise<Float64Array> {
  const stream = streamOf(plan, await open(plan), context.signal);
  return counted(context, (progress) => scanHistogram(wideKind(plan), stream, edges, progress, context.signal));
}

/** The one pass of 8- and 16-bit dtypes: counts of every bit pattern. */
export async function patternsKernel(plan: TensorPlan, open: SourceOpener, context: KernelContext = {}): Promise<Float64Array> {
  const kind = elementKind(plan.tensor.dtype.name);
  if (kind.kind !== 'pattern') throw new Error(`${plan.tensor.dtype.name} is scanned, not counted by patterns`);
  const stream = streamOf(plan, await open(plan), context.signal);
  return counted(context, (progress) => scanPatterns(kind.bits, stream, progress, context.signal));
}

/** How each pair of tensors differs (see stats/tensorDiff.ts), in pair order. */
export async function compareKernel(pairs: readonly ComparePair[], open: SourceOpener, context: KernelContext = {}): Promise<TensorDiffResult[]> {
  return counted(context, async (progress) => {
    const out: TensorDiffResult[] = [];
    const rings = [ChunkRing.lease(), ChunkRing.lease()] as const;
    try {
      for (const pair of pairs) {
        const [sa, sb] = await Promise.all([open(pair.a), open(pair.b)]);
        // Equal bytes (the common case of a copy, a frozen layer) are told by a tight loop first.
        // Its progress is passed on only if they are equal: else the stream below reads them again.
        let checked = 0;
        if (!pair.values && canCheckEqual(pair.a, sa, pair.b, sb) && (await bytesAllEqual(pair.a, sa, pair.b, sb, (n) => (checked += n), context.signal))) {
          progress(checked);
          out.push({ identical: true });
          continue;
        }
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
    return out;
  });
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
