// Persistent ids name a checkpoint's storages. Zip archives write
// ('storage', StorageClass, key, location, numel); the legacy format adds a sixth field,
// view_metadata (view_key, offset, view_numel) or None. One StorageRef per key, so that tensors
// sharing a storage share the same object.
import { CorruptError } from '../errors';
import { PyOpaque, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { storageTypeOf } from './torchReconstructions';
import type { StorageRef } from './tensorRef';

/** Storages by key, in the order the pickle first named them. */
export interface StorageLookup {
  get(key: string): StorageRef | undefined;
  has(key: string): boolean;
  keys(): Iterable<string>;
  values(): Iterable<StorageRef>;
}

export interface StorageTable {
  persistentLoad(pid: PyValue): PyValue;
  /** Every storage the pickle referred to, by key. */
  readonly storages: StorageLookup;
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

/** Keys torch writes are decimal numbers from 0; below this they index an array, not a map. */
const DENSE_KEYS = 1 << 24;
/** The most empty slots one key may leave before it in the array. */
const MAX_GAP = 1024;

/** A key's value when it is a canonical decimal number below DENSE_KEYS ("0", "17"; not "017"), else -1. */
function denseIndex(key: string): number {
  const n = key.length;
  if (n === 0 || n > 8 || (n > 1 && key.charCodeAt(0) === 0x30)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = key.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v < DENSE_KEYS ? v : -1;
}

/**
 * Storages by key: an array for decimal keys (a checkpoint of 60,000 tensors looked its keys up
 * in a map of fresh strings 60,000 times), a map for any others, and their first-seen order.
 */
class StorageIndex implements StorageLookup {
  private readonly dense: Array<StorageRef | undefined> = [];
  private readonly other = new Map<string, StorageRef>();
  private readonly order: StorageRef[] = [];

  get(key: string): StorageRef | undefined {
    const i = denseIndex(key);
    const found = i >= 0 && i < this.dense.length ? this.dense[i] : undefined;
    return found ?? (this.other.size > 0 ? this.other.get(key) : undefined);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Adds a storage whose key is not in the index yet. */
  add(ref: StorageRef): void {
    const i = denseIndex(ref.key);
    // Keys come in order nearly always; one far ahead (a hostile "9999999") goes in the map, so
    // that no key makes the array longer than the storages seen allow.
    if (i < 0 || i > this.dense.length + MAX_GAP) this.other.set(ref.key, ref);
    else {
      while (this.dense.length < i) this.dense.push(undefined);
      this.dense[i] = ref;
    }
    this.order.push(ref);
  }

  keys(): Iterable<string> {
    return this.order.map((r) => r.key);
  }

  values(): Iterable<StorageRef> {
    return this.order;
  }
}

export function createStorageTable(): StorageTable {
  const storages = new StorageIndex();
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
        storages.add(root);
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
