// Whether two plans' bytes are equal, read with synchronous positioned reads into two small
// buffers that are compared while they are still in the CPU's cache: the identical-files case
// of a comparison, at close to the cost of reading both files. The async stream (a thread-pool
// round trip and a few generators per chunk) cost about 2x `cat` of both files on this case.
// It answers only "all equal" or "not all equal": the caller computes the differences anew.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ByteSource } from '../io/byteSource';
import { checkTensorBounds } from '../torch/tensorBytes';
import { isContiguous, storageSpan } from '../torch/tensorRef';
import type { TensorPlan } from './tensorPlan';
import { planBytes } from './tensorPlan';

/** Bytes per read: small enough for both buffers to stay in L2, big enough that a syscall is cheap beside its copy. */
const STEP = 256 * 1024;
/** Messages (a cancel) are let through every this many bytes. */
const YIELD_BYTES = 16 * 1024 * 1024;

let buffers: [Buffer, Buffer] | undefined;

/** A pair this check can read: contiguous in files with synchronous reads, one byte order. */
export function canCheckEqual(a: TensorPlan, sa: ByteSource, b: TensorPlan, sb: ByteSource): boolean {
  return !!sa.readIntoSync && !!sb.readIntoSync && a.littleEndian === b.littleEndian && isContiguous(a.tensor) && isContiguous(b.tensor) && planBytes(a) === planBytes(b);
}

function startOf(plan: TensorPlan): number {
  const t = plan.tensor;
  return plan.storageStart + (t.storage.byteOffset ?? 0) + storageSpan(t).start * t.dtype.itemsize;
}

/**
 * True when every byte of `a` equals `b`'s (see canCheckEqual). `progress` gets the bytes read of
 * both as they are read (every 16 MiB and at the end): a caller that reads them again after a
 * difference takes them back. Stops at the first step that differs.
 */
export async function bytesAllEqual(a: TensorPlan, sa: ByteSource, b: TensorPlan, sb: ByteSource, progress: (bytes: number) => void, signal?: AbortSignal): Promise<boolean> {
  checkTensorBounds(a.tensor);
  checkTensorBounds(b.tensor);
  const [ba, bb] = (buffers ??= [Buffer.allocUnsafeSlow(STEP), Buffer.allocUnsafeSlow(STEP)]);
  const total = planBytes(a);
  const startA = startOf(a);
  const startB = startOf(b);
  let sinceYield = 0;
  let told = 0;
  for (let done = 0; done < total; ) {
    const n = Math.min(STEP, total - done);
    const ca = sa.readIntoSync!(startA + done, ba.subarray(0, n));
    const cb = sb.readIntoSync!(startB + done, bb.subarray(0, n));
    if (Buffer.compare(ca, cb) !== 0) return false;
    done += n;
    if ((sinceYield += n) >= YIELD_BYTES) {
      sinceYield = 0;
      progress(2 * done - told);
      told = 2 * done;
      await yieldToLoop();
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
    }
  }
  progress(2 * total - told);
  return true;
}
