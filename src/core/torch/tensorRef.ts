// A tensor as a description: dtype, shape, stride and a window on a storage. Its bytes stay in
// the file until someone asks for them.
import type { DType } from './dtypes';

export interface StorageRef {
  /** The record key (`data/<key>` in zip archives, the key in legacy streams). */
  key: string;
  dtype: DType;
  /** Size of the whole storage in bytes, as the file says it. */
  nbytes: number;
  /** Where this storage starts inside its record, in bytes (old legacy storage views); else 0. */
  byteOffset?: number;
  /** `cpu`, `cuda:0`... as saved; never needed to read the bytes. */
  location: string;
}

export interface TensorRef {
  dtype: DType;
  shape: number[];
  stride: number[];
  /** Offset into the storage, in elements of `dtype`. */
  storageOffset: number;
  storage: StorageRef;
  requiresGrad: boolean;
  /** True when the tensor was wrapped as an `nn.Parameter`. */
  parameter: boolean;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensorNbytes(t: TensorRef): number {
  return numel(t.shape) * t.dtype.itemsize;
}

/** Row-major strides for `shape`. */
export function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return stride;
}

export function isContiguous(t: TensorRef): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

/** The element range [first, last+1) of the storage that the tensor touches (empty: [offset, offset]). */
export function storageSpan(t: TensorRef): { start: number; end: number } {
  if (numel(t.shape) === 0) return { start: t.storageOffset, end: t.storageOffset };
  let last = t.storageOffset;
  for (let i = 0; i < t.shape.length; i++) last += (t.shape[i] - 1) * t.stride[i];
  return { start: t.storageOffset, end: last + 1 };
}
