// Many files opened as one checkpoint give their storages keys of their own; reads, offsets in
// the file and record checks of a storage go to the file that holds it. This is that routing,
// shared by sharded sets, Megatron's rank files and keyed files (a nanochat step).
import type { SourceSpec } from '../io/sourceSpec';
import type { LoadedCheckpoint, ShardFile, StorageIntegrity } from '../torch/loadedCheckpoint';
import type { StorageRef } from '../torch/tensorRef';

/** One of the files: its name in the report, where it lies, and its own checkpoint. */
export interface HoldingFile {
  file: string;
  spec: SourceSpec;
  checkpoint: LoadedCheckpoint;
}

/** The file that holds a renamed storage, and the storage as that file knows it. */
interface Held {
  holder: HoldingFile;
  storage: StorageRef;
}

type StorageHolder = (s: StorageRef) => Held;

/** Each renamed storage, with where it is held. */
export type HeldStorages = ReadonlyMap<StorageRef, Held>;

/**
 * The fields of the combined checkpoint that route by storage, through `back`. `index` names the
 * whole (the report's shard header); a storage not in `back` is a caller's bug.
 */
export function routedStorage(
  holders: readonly HoldingFile[],
  back: HeldStorages,
  index: string,
  files: ShardFile[],
): Pick<LoadedCheckpoint, 'readStorage' | 'storageStart' | 'integrity' | 'shards'> {
  const of: StorageHolder = (s) => {
    const found = back.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of ${index}'s`);
    return found;
  };
  return {
    readStorage: (s, offset, length) => {
      const { holder, storage } = of(s);
      return holder.checkpoint.readStorage(storage, offset, length);
    },
    storageStart: (s) => {
      const { holder, storage } = of(s);
      return holder.checkpoint.storageStart(storage);
    },
    ...(holders.some((h) => h.checkpoint.integrity) ? { integrity: integrityOf(of) } : {}),
    shards: { index, files, fileOf: (s) => of(s).holder.file, sourceOf: (s) => of(s).holder.spec },
  };
}

/** Checks on each storage by the file that holds it. */
function integrityOf(of: StorageHolder): StorageIntegrity {
  const own = (s: StorageRef) => {
    const { holder, storage } = of(s);
    return { check: holder.checkpoint.integrity, storage };
  };
  return {
    verify: (s, signal) => {
      const { check, storage } = own(s);
      return check ? check.verify(storage, signal) : Promise.resolve();
    },
    running: (s, offset, length) => {
      const { check, storage } = own(s);
      return check?.running(storage, offset, length);
    },
    expected: (s, offset, length) => {
      const { check, storage } = own(s);
      return check?.expected(storage, offset, length);
    },
    settle: (s, error) => {
      const { check, storage } = own(s);
      check?.settle(storage, error);
    },
  };
}
