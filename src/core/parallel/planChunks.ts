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

/**
 * Not zero-filled: every byte is read into before it is handed out. Never shared with another
 * call: the last chunk of a stream is still in use after its generator has finished.
 */
function buffer(length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
}

export async function* planChunks(plan: TensorPlan, source: ByteSource, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
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
  const ring: Uint8Array[] = [];
  for (let done = 0, i = 0; done < total; done += step, i++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
    const slot = i % RING;
    ring[slot] ??= buffer(Math.min(step, total));
    const target = ring[slot].subarray(0, Math.min(step, total - done));
    await source.readInto(start + done, target);
    yield target;
  }
}
