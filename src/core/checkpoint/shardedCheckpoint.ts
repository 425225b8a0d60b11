// A sharded set opened as one checkpoint: Hugging Face's index (`*.index.json`, see shardIndex.ts)
// and its shards, each opened by its own reader, their tensors gathered into one flat state dict
// in the shards' order. Storages are given keys of their own per shard (two shards both have a
// storage "0"), and reads go to the shard that holds them. Every shard the index names must be
// there, and every tensor in the shard the index says; a tensor the index does not list is kept
// and noted.
import { basename } from 'node:path';
import { CheckpointError, CorruptError } from '../errors';
import { readWhole } from '../io/readWhole';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource, sourceName } from '../io/sourceSpec';
import type { ByteSource } from '../io/byteSource';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import { PyDict, PyOpaque } from '../values/pyValue';
import { openCheckpoint } from './openCheckpoint';
import { parseShardIndex } from './shardIndex';
import { routedStorage } from './storageRouting';

/** An index is a small file: refuse one that is not. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

interface Shard {
  file: string;
  spec: SourceSpec;
  source: ByteSource;
  checkpoint: LoadedCheckpoint;
}

export interface OpenedShards {
  checkpoint: LoadedCheckpoint;
  /** Bytes of every shard together. */
  size: number;
  close(): Promise<void>;
}

/** Where a shard named in an index lies: beside the index, as a path or a URL. */
export function shardSpec(index: SourceSpec, file: string): SourceSpec {
  if (index.kind === 'file') return { kind: 'file', path: index.path.slice(0, index.path.length - basename(index.path).length) + file };
  if (index.kind === 'url') return { kind: 'url', url: new URL(file, index.url).toString(), ...(index.headers ? { headers: index.headers } : {}) };
  throw new CheckpointError('unsupported', `${index.name}: a sharded set is read from a folder or a URL.`);
}

export async function openShardedCheckpoint(index: SourceSpec, signal?: AbortSignal): Promise<OpenedShards> {
  const indexName = basename(sourceName(index));
  const text = await readWhole(index, MAX_INDEX_BYTES);
  if (!text.ok) throw new CheckpointError('not-checkpoint', `${indexName}: ${text.problem}.`);
  const parsed = parseShardIndex(new TextDecoder().decode(text.bytes), indexName);
  const shards: Shard[] = [];
  try {
    for (const file of [...parsed.shards].sort()) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
      const spec = shardSpec(index, file);
      let source: ByteSource;
      try {
        source = await openSource(spec);
      } catch (err) {
        const code = (err as { code?: string; status?: number }).code;
        if (code === 'ENOENT' || (err as { status?: number }).status === 404) throw new CheckpointError('missing-record', `${file} is missing: ${indexName} names it as a shard.`);
        throw err;
      }
      try {
        shards.push({ file, spec, source, checkpoint: await openCheckpoint(source) });
      } catch (err) {
        await source.close();
        throw err instanceof CheckpointError ? new CheckpointError(err.code, `${file}: ${err.message}`, err.evidence) : err;
      }
    }
    return { checkpoint: combine(shards, parsed.weightMap, indexName, parsed.totalSize), size: shards.reduce((n, s) => n + s.source.size, 0), close: () => closeAll(shards) };
  } catch (err) {
    await closeAll(shards);
    throw err;
  }
}

async function closeAll(shards: readonly Shard[]): Promise<void> {
  await Promise.all(shards.map((s) => s.source.close()));
}

function combine(shards: readonly Shard[], weightMap: ReadonlyMap<string, string>, indexName: string, totalSize: number | undefined): LoadedCheckpoint {
  const back = new Map<StorageRef, { holder: Shard; storage: StorageRef }>();
  const byName = new Map<string, PyOpaque<TensorRef>>();
  const unlisted: string[] = [];
  const files: ShardFile[] = [];
  for (const [i, shard] of shards.entries()) {
    const mine = new Map<StorageRef, StorageRef>();
    let tensors = 0;
    let tensorBytes = 0;
    for (const { path, tensor } of walkTensors(shard.checkpoint.root)) {
      const said = weightMap.get(path);
      if (said === undefined) unlisted.push(`${path} (${shard.file})`);
      else if (said !== shard.file) continue; // the index puts it elsewhere; that shard's copy counts
      if (byName.has(path)) throw new CorruptError(`${path} is in two shards of ${indexName}.`);
      const original = tensor.payload.storage;
      let storage = mine.get(original);
      if (!storage) {
        storage = { ...original, key: `${i}/${original.key}` };
        mine.set(original, storage);
        back.set(storage, { holder: shard, storage: original });
      }
      byName.set(path, new PyOpaque(tensor.kind, { ...tensor.payload, storage }));
      tensors++;
      tensorBytes += tensorNbytes(tensor.payload);
    }
    files.push({ file: shard.file, size: shard.source.size, tensors, tensorBytes });
  }
  for (const [name, file] of weightMap) {
    if (!byName.has(name)) throw new CheckpointError('missing-record', `${file} has no tensor "${name}", which ${indexName} puts there.`);
  }
  // In the shards' order, each shard's own order: the order they were saved in (the index's
  // weight_map is sorted by name).
  const root = new PyDict();
  for (const [name, tensor] of byName) root.set(name, tensor);
  const first = shards[0]?.checkpoint;
  if (shards.some((s) => s.checkpoint.littleEndian !== first.littleEndian)) throw new CorruptError(`the shards of ${indexName} disagree on byte order.`);
  const globals = [...new Set(shards.flatMap((s) => s.checkpoint.globals))];
  const total = files.reduce((n, f) => n + f.tensorBytes, 0);
  const notes = [`A sharded set of ${shards.length} file${shards.length === 1 ? '' : 's'}, read through ${indexName}.`];
  if (totalSize !== undefined && totalSize !== total) notes.push(`${indexName} gives total_size ${totalSize}; the shards' tensors hold ${total} bytes.`);
  if (unlisted.length) notes.push(`Not in ${indexName}'s weight_map, kept: ${unlisted.slice(0, 5).join(', ')}${unlisted.length > 5 ? ` and ${unlisted.length - 5} more` : ''}.`);
  for (const s of shards) for (const n of s.checkpoint.notes) if (!notes.includes(n)) notes.push(n);
  return {
    format: first?.format ?? 'safetensors',
    root,
    globals,
    calls: mergeCallLogs(shards.map((s) => s.checkpoint.calls)),
    littleEndian: first?.littleEndian ?? true,
    ...routedStorage(shards, back, indexName, files),
    notes,
  };
}
