// A tensor's elements as `t.contiguous()` holds them, little-endian, streamed from the file in
// chunks: a contiguous tensor is one range of its storage; a strided one is gathered.
import { createHash } from 'node:crypto';
import { CorruptError, UnsupportedError } from '../errors';
import type { RunningCrc } from '../zip/recordCrc';
import { swapUnit } from './dtypes';
import type { LoadedCheckpoint } from './loadedCheckpoint';
import type { StorageRef, TensorRef } from './tensorRef';
import { isContiguous, numel, storageSpan } from './tensorRef';

/** What reading a tensor's bytes needs of a checkpoint: its byte order and its storages. */
export type StorageReader = Pick<LoadedCheckpoint, 'littleEndian' | 'readStorage' | 'integrity'> & {
  /** Fills `target` from `offset` of the storage: lets a stream reuse a few buffers (see ByteSource.readInto). */
  readStorageInto?(storage: StorageRef, offset: number, target: Uint8Array): Promise<Uint8Array>;
};

/**
 * Buffers a reusing stream rotates through: a chunk stays valid while the next two are read, for
 * a consumer that reads one ahead (io/prefetch.ts) and holds the one before. 1 MiB: statistics
 * of 1 GiB grew RSS by 59 MiB with 4 MiB chunks, 15 MiB with these, at the same speed.
 */
const ROTATING_BUFFERS = 4;
const ROTATING_CHUNK = 1024 * 1024;

const CHUNK = 16 * 1024 * 1024;
/** A strided tensor whose storage span is at most this is gathered from one read. */
const GATHER_SPAN_LIMIT = 256 * 1024 * 1024;
/**
 * A view that repeats its storage's elements (stride 0, as `expand` makes) is read out element by
 * element. Past this many bytes, and this many times its span, it is refused: a file of a few
 * bytes could otherwise claim a tensor of terabytes, and statistics or an export would write them all.
 */
const REPEAT_BYTES_LIMIT = 1024 * 1024 * 1024;
const REPEAT_RATIO_LIMIT = 16;

/** Checks that the tensor's elements lie inside its storage. */
export function checkTensorBounds(t: TensorRef): void {
  const { start, end } = storageSpan(t);
  if (start < 0) throw new CorruptError(`a tensor starts before its storage "${t.storage.key}".`);
  if (numel(t.shape) > 0 && end * t.dtype.itemsize > t.storage.nbytes) {
    throw new CorruptError(`a tensor reaches past the end of its storage "${t.storage.key}".`);
  }
}

function byteswapInPlace(bytes: Uint8Array, unit: number): void {
  if (unit <= 1) return;
  for (let i = 0; i + unit <= bytes.length; i += unit) {
    for (let a = i, b = i + unit - 1; a < b; a++, b--) {
      const x = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = x;
    }
  }
}

function abortIfNeeded(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

/**
 * How a read checks the storage's record (where the format has checksums): `always` reads the
 * record whole once if the tensor does not cover it; `when-free` checks only a tensor that is its
 * whole record, on the bytes it reads anyway; `elsewhere` checks nothing, for a caller that has
 * the record checked another way (a kernel worker reading it beside this read).
 */
export type CrcCheck = 'always' | 'when-free' | 'elsewhere';

/** A check on the bytes about to be read, when they are the whole record; else the record is checked first if asked. */
async function startCheck(ckpt: StorageReader, t: TensorRef, offset: number, length: number, crc: CrcCheck, signal?: AbortSignal): Promise<RunningCrc | undefined> {
  if (crc === 'elsewhere') return undefined;
  const running = ckpt.integrity?.running(t.storage, offset, length);
  if (!running && crc === 'always') await ckpt.integrity?.verify(t.storage, signal);
  return running;
}

/**
 * The tensor's bytes in row-major order, little-endian, in chunks (valid until the next chunk is
 * asked for). The storage's record is CRC-checked on the way (see CrcCheck): a damaged one throws
 * DamagedRecordError, at the latest instead of the last chunk.
 */
export async function* tensorChunks(ckpt: StorageReader, t: TensorRef, signal?: AbortSignal, crc: CrcCheck = 'always', ring: Uint8Array[] = []): AsyncGenerator<Uint8Array> {
  checkTensorBounds(t);
  const item = t.dtype.itemsize;
  const count = numel(t.shape);
  if (count === 0) return;
  const unit = ckpt.littleEndian ? 1 : swapUnit(t.dtype);
  const base = t.storage.byteOffset ?? 0;
  if (isContiguous(t)) {
    const start = base + t.storageOffset * item;
    const total = count * item;
    const step = Math.floor(CHUNK / item) * item;
    const check = await startCheck(ckpt, t, start, total, crc, signal);
    if (ckpt.readStorageInto && unit === 1) {
      yield* rotatingChunks(ckpt.readStorageInto.bind(ckpt), t.storage, start, total, item, check, ring, signal);
      return;
    }
    for (let done = 0; done < total; done += step) {
      abortIfNeeded(signal);
      const chunk = await ckpt.readStorage(t.storage, start + done, Math.min(step, total - done));
      check?.update(chunk);
      if (done + step >= total) check?.finish(); // before the last chunk is handed out
      if (unit > 1) {
        // Swap a copy: the source may hand out a view on bytes it still owns.
        const swapped = chunk.slice();
        byteswapInPlace(swapped, unit);
        yield swapped;
      } else {
        yield chunk;
      }
    }
    return;
  }
  const span = storageSpan(t);
  if ((span.end - span.start) * item > GATHER_SPAN_LIMIT) {
    throw new UnsupportedError('a strided (non-contiguous) tensor spans more than 256 MiB of its storage; reading it element by element is not supported yet.');
  }
  if (count * item > REPEAT_BYTES_LIMIT && count > REPEAT_RATIO_LIMIT * (span.end - span.start)) {
    throw new UnsupportedError(
      `a tensor of ${count} elements views only ${span.end - span.start} of its storage, each repeated (a broadcast view); reading more than 1 GiB of repeats is refused.`,
    );
  }
  const spanStart = base + span.start * item;
  const spanLength = (span.end - span.start) * item;
  const check = await startCheck(ckpt, t, spanStart, spanLength, crc, signal);
  const src = await ckpt.readStorage(t.storage, spanStart, spanLength);
  check?.update(src);
  check?.finish();
  yield* gather(t, src, unit, signal);
}

/**
 * A contiguous range read into a few reused buffers, so a long stream allocates almost nothing.
 * `ring` holds the buffers; a caller that passes the same one to stream after stream (one at a
 * time) allocates them once for all its tensors.
 */
async function* rotatingChunks(
  readInto: NonNullable<StorageReader['readStorageInto']>,
  storage: StorageRef,
  start: number,
  total: number,
  item: number,
  check: RunningCrc | undefined,
  ring: Uint8Array[],
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const step = Math.max(item, Math.floor(ROTATING_CHUNK / item) * item);
  for (let done = 0, i = 0; done < total; done += step, i++) {
    abortIfNeeded(signal);
    const length = Math.min(step, total - done);
    const slot = i % ROTATING_BUFFERS;
    // Not zero-filled: every byte is read into before it is handed out.
    if (!ring[slot] || ring[slot].length < length) ring[slot] = new Uint8Array(Buffer.allocUnsafeSlow(Math.max(length, Math.min(step, total))).buffer);
    const chunk = await readInto(storage, start + done, ring[slot].subarray(0, length));
    check?.update(chunk);
    if (done + step >= total) check?.finish();
    yield chunk;
  }
}

function* gather(t: TensorRef, src: Uint8Array, unit: number, signal?: AbortSignal): Generator<Uint8Array> {
  const item = t.dtype.itemsize;
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  const perChunk = Math.max(1, Math.floor(CHUNK / item));
  let remaining = numel(t.shape);
  while (remaining > 0) {
    abortIfNeeded(signal);
    const n = Math.min(perChunk, remaining);
    const out = new Uint8Array(n * item);
    for (let e = 0; e < n; e++) {
      let off = 0;
      for (let d = 0; d < rank; d++) off += index[d] * t.stride[d];
      out.set(src.subarray(off * item, off * item + item), e * item);
      for (let d = rank - 1; d >= 0; d--) {
        if (++index[d] < t.shape[d]) break;
        index[d] = 0;
      }
    }
    byteswapInPlace(out, unit);
    remaining -= n;
    yield out;
  }
}

/** sha256 (hex) of the tensor's elements in row-major order, little-endian. */
export async function tensorSha256(ckpt: StorageReader, t: TensorRef, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of tensorChunks(ckpt, t, signal)) hash.update(chunk);
  return hash.digest('hex');
}
