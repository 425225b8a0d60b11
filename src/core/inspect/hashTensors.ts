// The sha256 of every distinct tensor, read straight from the file. Reading a tensor checks its
// record's CRC-32 (tensorBytes.ts); a damaged record is reported with the tensors it holds.
import { DamagedRecordError } from '../errors';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorSha256 } from '../torch/tensorBytes';
import { tensorNbytes } from '../torch/tensorRef';
import type { TensorOccurrence } from '../torch/tensorWalk';
import { distinctTensors } from '../torch/tensorWalk';

export interface HashOptions {
  signal?: AbortSignal;
  /** Progress in bytes of tensor elements hashed. */
  onProgress?: (done: number, total: number) => void;
}

/** Hashes by tensor identity (the PyOpaque of each distinct tensor). */
export async function hashTensors(ckpt: LoadedCheckpoint, occurrences: readonly TensorOccurrence[], options: HashOptions = {}): Promise<Map<object, string>> {
  const hashes = new Map<object, string>();
  const tensors = distinctTensors(occurrences);
  const total = tensors.reduce((s, t) => s + tensorNbytes(t.payload), 0);
  let done = 0;
  for (const t of tensors) {
    try {
      hashes.set(t, await tensorSha256(ckpt, t.payload, options.signal));
    } catch (err) {
      if (err instanceof DamagedRecordError) throw err.withTensors(pathsOnStorage(occurrences, t.payload.storage.key));
      throw err;
    }
    done += tensorNbytes(t.payload);
    options.onProgress?.(done, total);
  }
  return hashes;
}

/** The paths of every tensor whose bytes live in the storage, each once, in walk order. */
function pathsOnStorage(occurrences: readonly TensorOccurrence[], key: string): string[] {
  return [...new Set(occurrences.filter((o) => o.tensor.payload.storage.key === key).map((o) => o.path))];
}
