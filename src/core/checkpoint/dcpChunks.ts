// The geometry of a DCP tensor's chunks: each chunk is a box (offsets, sizes) of the full tensor.
// checkTiling makes sure the boxes cover the tensor exactly once; chunkRuns maps a range of the
// full tensor's elements (row-major) to runs that are contiguous both in the full tensor and in
// one chunk, so that assembled bytes are read run by run, never the whole tensor at once.
import { CorruptError, UnsupportedError } from '../errors';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { TensorRef } from '../torch/tensorRef';
import { isContiguous, numel } from '../torch/tensorRef';

export interface ChunkBox {
  offsets: readonly number[];
  sizes: readonly number[];
  /** For messages: the file the chunk is stored in. */
  file: string;
}

function where(c: ChunkBox): string {
  return `[${c.offsets.join(', ')}] (${c.file})`;
}

function overlaps(a: ChunkBox, b: ChunkBox): boolean {
  for (let d = 0; d < a.offsets.length; d++) {
    if (a.offsets[d] >= b.offsets[d] + b.sizes[d] || b.offsets[d] >= a.offsets[d] + a.sizes[d]) return false;
  }
  return true;
}

/** Throws CorruptError unless the chunks lie inside the tensor and cover each element once. */
export function checkTiling(fqn: string, size: readonly number[], chunks: readonly ChunkBox[]): void {
  let covered = 0;
  for (const c of chunks) {
    if (c.offsets.some((o, d) => o + c.sizes[d] > size[d])) {
      throw new CorruptError(`the chunk of "${fqn}" at ${where(c)} with sizes [${c.sizes.join(', ')}] reaches past its size [${size.join(', ')}].`);
    }
    covered += numel(c.sizes);
  }
  const live = chunks.filter((c) => numel(c.sizes) > 0);
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      if (overlaps(live[i], live[j])) throw new CorruptError(`the chunks of "${fqn}" at ${where(live[i])} and ${where(live[j])} overlap.`);
    }
  }
  const total = numel(size);
  if (covered !== total) {
    throw new CorruptError(`the chunks of "${fqn}" (${chunks.map(where).join(', ') || 'none'}) cover ${covered} of its ${total} elements: part of the tensor is in no chunk.`);
  }
}

export interface ChunkRun {
  /** Index into the chunk list. */
  chunk: number;
  /** First element of the run in the chunk, row-major within the chunk's sizes. */
  chunkElement: number;
  /** Elements in the run. */
  length: number;
}

/** The first dimension from which on the chunk is a contiguous block of the full tensor. */
function blockDim(size: readonly number[], c: ChunkBox): number {
  let k = size.length - 1;
  while (k >= 0 && c.sizes[k] === size[k]) k--;
  return k;
}

/**
 * Runs covering elements [start, start + count) of the full tensor, in order. The chunks must
 * tile the tensor (checkTiling).
 */
export function* chunkRuns(size: readonly number[], chunks: readonly ChunkBox[], start: number, count: number): Generator<ChunkRun> {
  const rank = size.length;
  const end = start + count;
  const coords = new Array<number>(rank);
  let p = start;
  while (p < end) {
    let rest = p;
    for (let d = rank - 1; d >= 0; d--) {
      coords[d] = rest % size[d];
      rest = Math.floor(rest / size[d]);
    }
    const i = chunks.findIndex((c) => c.offsets.every((o, d) => coords[d] >= o && coords[d] < o + c.sizes[d]));
    if (i < 0) throw new CorruptError(`element ${p} of a tensor lies in none of its chunks.`);
    const c = chunks[i];
    let chunkElement = 0;
    for (let d = 0; d < rank; d++) chunkElement = chunkElement * c.sizes[d] + (coords[d] - c.offsets[d]);
    const k = blockDim(size, c);
    let run: number;
    if (k < 0) {
      run = numel(size) - p;
    } else {
      let row = 1;
      let inner = 0;
      for (let d = k + 1; d < rank; d++) {
        inner = inner * size[d] + coords[d];
        row *= size[d];
      }
      run = (c.sizes[k] - (coords[k] - c.offsets[k])) * row - inner;
    }
    const length = Math.min(run, end - p);
    yield { chunk: i, chunkElement, length };
    p += length;
  }
}

/** Reads `target.length` bytes of one chunk from its element `element` (row-major within the chunk). */
export type ChunkReader = (element: number, target: Uint8Array) => Promise<void>;

/**
 * Fills `target` with the full tensor's bytes from byte `offset` (both whole elements of
 * `itemsize` bytes), run by run, each from its chunk's reader.
 */
export async function readRuns(size: readonly number[], chunks: readonly ChunkBox[], readers: readonly ChunkReader[], itemsize: number, offset: number, target: Uint8Array): Promise<Uint8Array> {
  let at = 0;
  for (const run of chunkRuns(size, chunks, offset / itemsize, target.length / itemsize)) {
    const piece = target.subarray(at, at + run.length * itemsize);
    await readers[run.chunk](run.chunkElement, piece);
    at += piece.length;
  }
  return target;
}

/** A reader of a chunk saved as a tensor in an archive of its own; `what` names it in errors. */
export function tensorReader(checkpoint: Pick<LoadedCheckpoint, 'readStorage'>, t: TensorRef, what: string): ChunkReader {
  const item = t.dtype.itemsize;
  return async (element, piece) => {
    if (!isContiguous(t)) throw new UnsupportedError(`${what} is saved strided; reading strided chunks is not supported.`);
    piece.set(await checkpoint.readStorage(t.storage, (t.storage.byteOffset ?? 0) + (t.storageOffset + element) * item, piece.length));
  };
}
