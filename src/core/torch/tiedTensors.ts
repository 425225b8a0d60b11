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

/** What tells two views of one storage apart; empty tensors hold no bytes, so only their object identifies them. */
function viewKey(t: TensorRef): string {
  const start = (t.storage.byteOffset ?? 0) + t.storageOffset * t.dtype.itemsize;
  return `${start}:${t.dtype.name}:${t.shape.join(',')}:${t.stride.join(',')}`;
}

/**
 * Every occurrence that views the bytes of an earlier one, with that earlier path. Grouped by
 * storage first: a storage seen once (nearly all) needs no view key at all. `viewedOnce`, when
 * given, says which storages a single occurrence views.
 */
export function findTies(occurrences: readonly TensorOccurrence[], viewedOnce?: (storageKey: string) => boolean): TiedPair[] {
  /** Per storage key: its first occurrence, until a second one comes; then first paths by view key. */
  const byStorage = new Map<string, TensorOccurrence | Map<string, string>>();
  const empty = new Map<object, string>();
  const ties: TiedPair[] = [];
  for (const o of occurrences) {
    const t = o.tensor.payload;
    if (numel(t.shape) === 0) {
      const earlier = empty.get(o.tensor);
      if (earlier === undefined) empty.set(o.tensor, o.path);
      else ties.push({ path: o.path, sameAs: earlier });
      continue;
    }
    // A storage only one occurrence views (the caller may know) holds no tie.
    if (viewedOnce?.(t.storage.key)) continue;
    const known = byStorage.get(t.storage.key);
    if (known === undefined) {
      byStorage.set(t.storage.key, o);
      continue;
    }
    let views: Map<string, string>;
    if (known instanceof Map) views = known;
    else {
      views = new Map([[viewKey(known.tensor.payload), known.path]]);
      byStorage.set(t.storage.key, views);
    }
    const key = viewKey(t);
    const earlier = views.get(key);
    if (earlier === undefined) views.set(key, o.path);
    else ties.push({ path: o.path, sameAs: earlier });
  }
  return ties;
}
