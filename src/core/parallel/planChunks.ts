// A plan's bytes as a stream of chunks, for kernels that look at each chunk once (the comparison):
// a contiguous little-endian tensor is read through a ring of buffers reused from chunk to chunk,
// where the source can fill a buffer in place; anything else streams as tensorChunks gives it.
// A chunk stays valid while the next RING - 2 are read: enough for a consumer that reads one
// chunk ahead (io/prefetch.ts) and holds the one before.
import type { ByteSource } from '../io/byteSource';
import { tensorChunks } from '../torch/tensorBytes';
import { checkTensorBounds } from '../torch/tensorBytes';
import { isContiguous, numel } from '../torch/tensorRef';
import type { TensorPlan } from './tensorPlan';
import { planReader } from './tensorPlan';

/** Small enough that a chunk read is still in the CPU's cache when the kernel looks at it. */
const CHUNK = 2 * 1024 * 1024;
const RING = 4;

/** Not zero-filled: every byte is read into before it is handed out. */
function buffer(length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
}

/**
 * Buffers for one stream at a time, kept from tensor to tensor. The last chunk of a stream is
 * still in use after its generator has finished, so a ring goes back (`release`) only when its
 * user is done with every chunk, never when a stream ends.
 */
export class ChunkRing {
  private static readonly spare: ChunkRing[] = [];
  readonly buffers: Uint8Array[] = [];

  static lease(): ChunkRing {
    return ChunkRing.spare.pop() ?? new ChunkRing();
  }

  release(): void {
    if (ChunkRing.spare.length < 4) ChunkRing.spare.push(this);
  }
}

/** `ring`: buffers to read into, in use by this stream alone until it is done; else fresh ones. */
export async function* planChunks(plan: TensorPlan, source: ByteSource, signal?: AbortSignal, ring: ChunkRing = new ChunkRing()): AsyncGenerator<Uint8Array> {
  const t = plan.tensor;
  if (!source.readInto || !plan.littleEndian || !isContiguous(t)) {
    yield* tensorChunks(planReader(plan, source), t, signal);
    return;
  }
  checkTensorBounds(t);
  const item = t.dtype.itemsize;
  const total = numel(t.shape) * item;
  const start = plan.storageStart + (t.storage.byteOffset ?? 0) + t.storageOffset * item;
  const step = Math.floor(CHUNK / item) * item;
  const buffers = ring.buffers;
  for (let done = 0, i = 0; done < total; done += step, i++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
    const slot = i % RING;
    const length = Math.min(step, total - done);
    if (!buffers[slot] || buffers[slot].length < length) buffers[slot] = buffer(Math.max(length, Math.min(step, total)));
    const target = buffers[slot].subarray(0, length);
    yield await source.readInto(start + done, target);
  }
}
