// Persistent ids name a checkpoint's storages. Zip archives write
// ('storage', StorageClass, key, location, numel); the legacy format adds a sixth field,
// view_metadata (view_key, offset, view_numel) or None. One StorageRef per key, so that tensors
// sharing a storage share the same object.
import { CorruptError } from '../errors';
import { PyOpaque, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { storageTypeOf } from './torchReconstructions';
import type { StorageRef } from './tensorRef';

export interface StorageTable {
  persistentLoad(pid: PyValue): PyValue;
  /** Every storage the pickle referred to, by key. */
  readonly storages: ReadonlyMap<string, StorageRef>;
}

function keyString(v: PyValue | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  throw new CorruptError('a storage has no key.');
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function count(v: PyValue | undefined): number {
  if (typeof v !== 'bigint' || v < 0n || v > MAX_SAFE) throw new CorruptError('a storage has an invalid size.');
  return Number(v);
}

export function createStorageTable(): StorageTable {
  const storages = new Map<string, StorageRef>();
  const views = new Map<string, StorageRef>();
  // The storage class of the last id: a pickle names one class object (a memo read) for every
  // storage of a dtype, so this spares the table lookup nearly always.
  let lastClass: PyValue | undefined;
  let lastType: ReturnType<typeof storageTypeOf>;
  return {
    storages,
    persistentLoad(pid: PyValue): PyValue {
      const items = pid instanceof PyTuple ? pid.items : Array.isArray(pid) ? pid : undefined;
      if (!items || items[0] !== 'storage' || items.length < 5) throw new CorruptError('an unknown kind of persistent id.');
      const type = items[1] === lastClass && items[1] !== undefined ? lastType : storageTypeOf(items[1]);
      lastClass = items[1];
      lastType = type;
      if (!type) throw new CorruptError('a storage of an unknown type.');
      const key = keyString(items[2]);
      const { dtype, untyped } = type;
      const numel = count(items[4]);
      let root = storages.get(key);
      if (!root) {
        root = { key, dtype, nbytes: untyped ? numel : numel * dtype.itemsize, location: String(items[3] ?? '') };
        storages.set(key, root);
      }
      const view = items[5];
      if (view instanceof PyTuple && view.items.length >= 3) {
        // Old legacy files: a view on part of a root storage, offset in elements.
        const viewKey = keyString(view.items[0]);
        let ref = views.get(viewKey);
        if (!ref) {
          const offset = count(view.items[1]) * dtype.itemsize;
          ref = { ...root, byteOffset: offset, nbytes: count(view.items[2]) * dtype.itemsize };
          views.set(viewKey, ref);
        }
        return new PyOpaque('storage', ref);
      }
      return new PyOpaque('storage', root);
    },
  };
}
