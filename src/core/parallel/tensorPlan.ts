// A tensor described well enough to read it anywhere: where its source is, where its storage
// starts in that source, its byte order and its TensorRef. Plain data, so a worker thread can
// read and reduce a tensor without parsing the checkpoint again.
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import type { StorageReader } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import { isContiguous, numel, storageSpan } from '../torch/tensorRef';

export interface TensorPlan {
  source: SourceSpec;
  /** The tensor's path, for messages. */
  path: string;
  /** Absolute offset in the source of the storage's byte 0 (plus the storage's own byteOffset). */
  storageStart: number;
  littleEndian: boolean;
  tensor: TensorRef;
  /**
   * Set when the plan reads its storage's whole zip record, in order, and that record is not
   * checked yet: the CRC-32 the bytes must have, checked by the kernel at no extra read.
   */
  crc?: { record: string; crc32: number };
}

/** Reads a plan's storage from an open source. */
export function planReader(plan: TensorPlan, source: ByteSource): StorageReader {
  return {
    littleEndian: plan.littleEndian,
    readStorage: (_storage, offset, length) => source.read(plan.storageStart + offset, length),
    ...(source.readInto ? { readStorageInto: (_storage, offset, target) => source.readInto!(plan.storageStart + offset, target) } : {}),
  };
}

export function planBytes(plan: TensorPlan): number {
  return numel(plan.tensor.shape) * plan.tensor.dtype.itemsize;
}

/** Where a contiguous plan's bytes start in its source. */
export function planStart(plan: TensorPlan): number {
  const t = plan.tensor;
  return plan.storageStart + (t.storage.byteOffset ?? 0) + storageSpan(t).start * t.dtype.itemsize;
}

/**
 * A contiguous tensor cut into up to `parts` pieces of whole elements, each a flat tensor over
 * its own range of the storage; a strided tensor, or one too small to be worth it, stays whole.
 */
export function splitPlan(plan: TensorPlan, parts: number, minBytes = 32 * 1024 * 1024): TensorPlan[] {
  const t = plan.tensor;
  const count = numel(t.shape);
  if (parts <= 1 || !isContiguous(t) || count * t.dtype.itemsize < 2 * minBytes) return [plan];
  const pieces = Math.min(parts, Math.floor((count * t.dtype.itemsize) / minBytes));
  const per = Math.ceil(count / pieces);
  const out: TensorPlan[] = [];
  for (let start = 0; start < count; start += per) {
    const n = Math.min(per, count - start);
    out.push({ ...plan, crc: undefined, tensor: { ...t, shape: [n], stride: [1], storageOffset: t.storageOffset + start } });
  }
  return out;
}
