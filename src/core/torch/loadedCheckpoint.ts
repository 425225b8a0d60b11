// A checkpoint opened by one of the format readers: the unpickled object (with tensors as
// descriptions) and a way to read any storage's bytes on demand.
import type { SourceSpec } from '../io/sourceSpec';
import type { CheckpointFormat } from './checkpointFormat';
import type { CallLog } from '../values/callLog';
import type { PyValue } from '../values/pyValue';
import type { RunningCrc } from '../zip/recordCrc';
import type { StorageRef } from './tensorRef';

/** Checks that a storage's bytes are those the file's writer wrote (zip archives: CRC-32 per record). */
export interface StorageIntegrity {
  /** Reads the storage's record whole, once, and throws DamagedRecordError if it fails its check. */
  verify(storage: StorageRef, signal?: AbortSignal): Promise<void>;
  /**
   * For a reader about to read bytes [offset, offset + length) of the storage in order: a running
   * check to feed them to, when they are its whole record and it is not checked yet.
   */
  running(storage: StorageRef, offset: number, length: number): RunningCrc | undefined;
  /** The CRC-32 that a reader of exactly the storage's whole, unchecked record must find (see RecordCrc.expected). */
  expected(storage: StorageRef, offset: number, length: number): { record: string; crc32: number } | undefined;
  /** Records a check made elsewhere: passed, or failed with `error`. */
  settle(storage: StorageRef, error?: Error): void;
}

/** One file of a sharded set, as the report lists it. */
export interface ShardFile {
  /** Its name beside the index. */
  file: string;
  size: number;
  tensors: number;
  /** Bytes of its tensors' own elements. */
  tensorBytes: number;
}

/** The files of a checkpoint that spans many (a sharded set), and which one holds a storage. */
export interface ShardSet {
  /** The index the set was opened through. */
  index: string;
  files: ShardFile[];
  fileOf(storage: StorageRef): string;
  /** Where the storage's shard is read from: a kernel worker reads by offset in that file. */
  sourceOf(storage: StorageRef): SourceSpec;
  /** A tensor assembled from chunks (torch.distributed.checkpoint): each chunk's file and box in the full tensor. */
  chunksOf?(storage: StorageRef): TensorChunk[];
}

/** One chunk of an assembled tensor: where it is stored and which part of the tensor it holds. */
export interface TensorChunk {
  file: string;
  offsets: number[];
  sizes: number[];
}

export interface LoadedCheckpoint {
  format: CheckpointFormat;
  /** The checkpoint's object; tensors are `PyOpaque<TensorRef>` with kind `tensor`. */
  root: PyValue;
  /** Every `module.name` the file's pickles named, in first-seen order. */
  globals: string[];
  /** The calls its pickles asked for, recorded instead of made (for the security report). */
  calls: CallLog;
  /** False when the storages hold big-endian bytes (a `byteorder` record saying `big`). */
  littleEndian: boolean;
  /** `length` bytes from `offset` inside a storage (offsets in bytes, relative to the storage). */
  readStorage(storage: StorageRef, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Where `readStorage(storage, 0, n)` starts in the source, when a storage's bytes lie there as
   * they are (so a worker can read them by offset); undefined for compressed records.
   */
  storageStart(storage: StorageRef): Promise<number | undefined>;
  /** Absent where the format has no checksums: legacy files and safetensors. */
  integrity?: StorageIntegrity;
  /** The key its layout says holds the model's weights (a DeepSpeed folder's assembled `fp32`): export takes it unless told another. */
  weightsKey?: string;
  /** Present when the checkpoint is a sharded set: storage offsets are then within each shard. */
  shards?: ShardSet;
  notes: string[];
}
