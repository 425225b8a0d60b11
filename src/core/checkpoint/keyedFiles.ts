// Many checkpoint files opened as one, each file's whole tree under a key of its own in one dict
// (nanochat's step: `model`, `optim_rank0`, `optim_rank1`, …). Nothing is merged: the files hold
// different things. Storages get keys of their own per file (two files both have a storage "0"),
// and reads, offsets in the file and record checks go to the file that holds the storage.
import { basename } from 'node:path';
import { CheckpointError, CorruptError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import { CoverageIndex } from '../torch/storageCoverage';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import { PyDict } from '../values/pyValue';
import type { OpenedShards } from './shardedCheckpoint';
import { routedStorage } from './storageRouting';
import { openCheckpoint } from './openCheckpoint';

export interface KeyedFile {
  /** The key its tree is put under. */
  key: string;
  path: string;
}

interface Opened {
  key: string;
  file: string;
  spec: SourceSpec;
  source: ByteSource;
  checkpoint: LoadedCheckpoint;
}

/** `index` names the whole (the report's shard header); `note` leads the notes. */
export async function openKeyedFiles(files: readonly KeyedFile[], what: { index: string; note: string }, signal?: AbortSignal): Promise<OpenedShards> {
  const opened: Opened[] = [];
  const close = () => Promise.all(opened.map((o) => o.source.close())).then(() => undefined);
  try {
    for (const { key, path } of files) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
      const spec: SourceSpec = { kind: 'file', path };
      let source: ByteSource;
      try {
        source = await openSource(spec);
      } catch (err) {
        // Gone between the listing of the folder and now (a run pruning its old steps).
        if ((err as { code?: string }).code === 'ENOENT') throw new CheckpointError('missing-record', `${basename(path)} is missing.`);
        throw err;
      }
      try {
        opened.push({ key, file: basename(path), spec, source, checkpoint: await openCheckpoint(source) });
      } catch (err) {
        await source.close();
        throw err instanceof CheckpointError ? new CheckpointError(err.code, `${basename(path)}: ${err.message}`, err.evidence) : err;
      }
    }
    return { checkpoint: combine(opened, what), size: opened.reduce((n, o) => n + o.source.size, 0), close };
  } catch (err) {
    await close();
    throw err;
  }
}

function combine(parts: readonly Opened[], what: { index: string; note: string }): LoadedCheckpoint {
  const root = new PyDict();
  const back = new Map<StorageRef, { holder: Opened; storage: StorageRef }>();
  const files: ShardFile[] = [];
  for (const part of parts) {
    const occurrences = walkTensors(part.checkpoint.root);
    // Counted before renaming, as the file alone counts them (shared storage once).
    const payloads = occurrences.map((o) => o.tensor.payload);
    const { bytes } = new CoverageIndex(payloads).coverage(payloads);
    const renamed = new Map<StorageRef, StorageRef>();
    for (const { tensor } of occurrences) {
      const original = tensor.payload.storage;
      if (back.has(original)) continue; // the same tensor reached again (tied), renamed already
      let storage = renamed.get(original);
      if (!storage) {
        storage = { ...original, key: `${part.key}/${original.key}` };
        renamed.set(original, storage);
        back.set(storage, { holder: part, storage: original });
      }
      // The tree was parsed for this checkpoint alone: its tensors are renamed where they are.
      (tensor as { payload: TensorRef }).payload = { ...tensor.payload, storage };
    }
    files.push({ file: part.file, size: part.source.size, tensors: occurrences.length, tensorBytes: bytes });
    root.set(part.key, part.checkpoint.root);
  }
  // Readers swap bytes by the checkpoint's one byte order.
  if (parts.some((p) => p.checkpoint.littleEndian !== parts[0]!.checkpoint.littleEndian)) throw new CorruptError(`the files of ${what.index} disagree on byte order.`);
  return {
    format: parts[0]!.checkpoint.format,
    root,
    globals: [...new Set(parts.flatMap((p) => p.checkpoint.globals))],
    calls: mergeCallLogs(parts.map((p) => p.checkpoint.calls)),
    littleEndian: parts[0]!.checkpoint.littleEndian,
    ...routedStorage(parts, back, what.index, files),
    notes: [what.note, ...new Set(parts.flatMap((p) => p.checkpoint.notes))],
  };
}
