// A checkpoint opened by one of the format readers: the unpickled object (with tensors as
// descriptions) and a way to read any storage's bytes on demand.
import type { CheckpointFormat } from '../inspect/report';
import type { CallLog } from '../pickle/callLog';
import type { PyValue } from '../pickle/pyValue';
import type { StorageRef } from './tensorRef';

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
  notes: string[];
}
