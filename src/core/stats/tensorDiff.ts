// How two tensors of one dtype and shape differ, streamed chunk by chunk from both. Raw bytes are
// compared first: while they are equal no element is decoded, so identical tensors cost one read
// of each and no arithmetic. At the first chunk that differs, A's equal prefix is read once more
// for its norm (equal elements add nothing else), and from there every pair of elements is
// decoded to float64 and summed (see diffMoments.ts).
import { UnsupportedError } from '../errors';
import { chunkPairs, takeBytes } from './chunkPairs';
import { defaultTolerance } from './closeness';
import type { Tolerance } from './closeness';
import type { DiffPartial } from './diffMoments';
import { addEqualValues, emptyDiff, float32Diff, float64Diff } from './diffMoments';
import type { ElementKind } from './elementValues';
import { elementKind } from './elementValues';
import type { ChunkStream } from './tensorStats';
import { wholeElements } from './tensorStats';

export type TensorDiffResult =
  | { identical: true }
  | { identical: false; diff: DiffPartial }
  /** The bytes differ, but the dtype has no plain values to subtract (complex, quantized, packed). */
  | { identical: false; unsupported: string };

export interface DiffOptions {
  /** Skip the byte comparison and sum every element (a piece of a tensor whose other pieces differ). */
  values?: boolean;
  /** Bytes read so far, of both tensors together. */
  progress?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Decoded elements per scratch buffer: 8 MiB of float64 per side. */
export const SCRATCH = 1 << 20;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function aligned(bytes: Uint8Array, unit: number): Uint8Array {
  return bytes.byteOffset % unit === 0 ? bytes : bytes.slice();
}

/** The dtype's element kind, or why its differences are not computed (complex, quantized, packed). */
export function valueKind(dtype: string): ElementKind | string {
  // Complex elements decode to their magnitude for statistics; a difference needs both parts.
  if (dtype.startsWith('complex')) return `differences of ${dtype} tensors are not computed (only whether their bytes are equal).`;
  try {
    return elementKind(dtype);
  } catch (err) {
    if (err instanceof UnsupportedError) return err.message;
    throw err;
  }
}

export function unitOf(kind: ElementKind): number {
  switch (kind.kind) {
    case 'float32': return 4;
    case 'float64': return 8;
    case 'pattern': return kind.bits / 8;
    case 'decode': return kind.itemsize;
  }
}

/** Decodes `bytes` (whole elements) into float64 numbers, SCRATCH at a time; float32/float64 are viewed in place. */
export class Decoder {
  readonly unit: number;
  /** Values come as a Float32Array view (the float32 kernel), else as float64. */
  readonly float32: boolean;
  private readonly scratch: Float64Array | undefined;

  constructor(private readonly kind: ElementKind) {
    this.unit = unitOf(kind);
    this.float32 = kind.kind === 'float32';
    this.scratch = kind.kind === 'pattern' || kind.kind === 'decode' ? new Float64Array(SCRATCH) : undefined;
  }

  /** Elements [from, from + SCRATCH) of `bytes`, decoded (or viewed). */
  values(bytes: Uint8Array, from: number): Float32Array | Float64Array {
    const k = this.kind;
    const count = Math.min(SCRATCH, bytes.length / this.unit - from);
    const part = aligned(bytes.subarray(from * this.unit, (from + count) * this.unit), this.unit);
    if (k.kind === 'float32') return new Float32Array(part.buffer, part.byteOffset, count);
    if (k.kind === 'float64') return new Float64Array(part.buffer, part.byteOffset, count);
    const out = this.scratch!;
    if (k.kind === 'decode') return out.subarray(0, k.decode(part, out));
    const table = k.values;
    if (k.bits === 8) for (let i = 0; i < count; i++) out[i] = table[part[i]];
    else {
      const p = new Uint16Array(part.buffer, part.byteOffset, count);
      for (let i = 0; i < count; i++) out[i] = table[p[i]];
    }
    return out.subarray(0, count);
  }
}

function addPair(da: Decoder, db: Decoder, a: Uint8Array, b: Uint8Array, tol: Tolerance, into: DiffPartial): void {
  const count = a.length / da.unit;
  const kernel = da.float32 ? float32Diff : float64Diff;
  for (let from = 0; from < count; from += SCRATCH) {
    const va = da.values(a, from);
    const vb = db.values(b, from);
    kernel(va, vb, tol, into);
  }
}

/**
 * Compares the tensors whose bytes `a` and `b` stream (row-major, little-endian, of `dtype`; the
 * same number of elements). Throws if the streams have different lengths.
 */
export async function diffTensorStreams(dtype: string, a: ChunkStream, b: ChunkStream, options: DiffOptions = {}): Promise<TensorDiffResult> {
  const { signal } = options;
  const progress = options.progress ?? ((): void => undefined);
  const kind = valueKind(dtype);
  const tol = defaultTolerance(dtype);
  let equalPrefix = 0;
  let diff: DiffPartial | undefined;
  let decodeA: Decoder | undefined;
  let decodeB: Decoder | undefined;
  const unit = typeof kind === 'string' ? 1 : unitOf(kind);
  for await (const [ca, cb] of chunkPairs(a(), b(), unit)) {
    checkAbort(signal);
    if (!diff && !options.values && bytesEqual(ca, cb)) {
      equalPrefix += ca.length;
      progress(2 * ca.length);
      continue;
    }
    if (typeof kind === 'string') return { identical: false, unsupported: kind };
    if (!diff) {
      diff = emptyDiff();
      decodeA = new Decoder(kind);
      decodeB = new Decoder(kind);
      for await (const chunk of takeBytes(wholeElements(a(), unit), equalPrefix)) {
        checkAbort(signal);
        for (let from = 0; from < chunk.length / decodeA.unit; from += SCRATCH) addEqualValues(diff, decodeA.values(chunk, from));
      }
    }
    addPair(decodeA!, decodeB!, ca, cb, tol, diff);
    progress(2 * ca.length);
  }
  if (diff) return { identical: false, diff };
  if (!options.values) return { identical: true };
  return typeof kind === 'string' ? { identical: false, unsupported: kind } : { identical: false, diff: emptyDiff() };
}
