// Tied weights: paths that reach exactly the same bytes. A tensor pickled twice (a memo
// reference) and two tensor objects on one storage with the same offset, dtype, shape and stride
// (what `state_dict()` gives for nanoGPT's and Hugging Face's tied lm_head) are both one tensor.
import { numel } from './tensorRef';
import type { TensorRef } from './tensorRef';
import type { TensorOccurrence } from './tensorWalk';

/** Two paths that reach the same bytes (tied weights): `path` = `sameAs`. */
export interface TiedPair {
  path: string;
  /** The first path, in walk order, that reaches them. */
  sameAs: string;
}

/** One key per view of a storage; empty tensors hold no bytes, so only their object identifies them. */
function viewKey(t: TensorRef): string {
  const start = (t.storage.byteOffset ?? 0) + t.storageOffset * t.dtype.itemsize;
  return `${t.storage.key}@${start}:${t.dtype.name}:${t.shape.join(',')}:${t.stride.join(',')}`;
}

/** Every occurrence that views the bytes of an earlier one, with that earlier path. */
export function findTies(occurrences: readonly TensorOccurrence[]): TiedPair[] {
  const first = new Map<string | object, string>();
  const ties: TiedPair[] = [];
  for (const o of occurrences) {
    const key = numel(o.tensor.payload.shape) > 0 ? viewKey(o.tensor.payload) : o.tensor;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, o.path);
    else ties.push({ path: o.path, sameAs: earlier });
  }
  return ties;
}
