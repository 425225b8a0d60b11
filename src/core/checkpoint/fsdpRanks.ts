// Accelerate's FSDP LOCAL_STATE_DICT save: one `pytorch_model_fsdp[_<i>]_rank<r>.bin` per rank
// (accelerate/utils/fsdp_utils.py save_fsdp_model), each a torch.save of the rank's local state
// dict, where FSDP (1.13's _local_post_state_dict_hook) wraps each flat parameter as a
// ShardedTensor of the rank's local shard. The set opens as one checkpoint: a key that is a
// ShardedTensor of one full size in every rank is assembled from the ranks' shards by the
// offsets their ShardMetadata gives (the layout defines that merge); anything else stays per rank
// under `rank0`, `rank1`, …. The flat parameter stays flat: the files do not say how to unflatten it.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import { isTensor } from '../torch/torchReconstructions';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { contiguousStride, numel, tensorNbytes } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import { PyDict, PyObject, PyOpaque, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import type { ChunkBox, ChunkReader } from './dcpChunks';
import { checkTiling, readRuns, tensorReader } from './dcpChunks';
import { openCheckpoint } from './openCheckpoint';
import type { OpenedShards } from './shardedCheckpoint';

const RANK_FILE = /^pytorch_model_fsdp(?:_(\d+))?_rank(\d+)\.bin$/;

/** The model index and rank a file name says, for Accelerate's per-rank files. */
export function parseFsdpRankName(name: string): { model: number; rank: number } | undefined {
  const m = RANK_FILE.exec(name);
  return m ? { model: Number(m[1] ?? 0), rank: Number(m[2]) } : undefined;
}

/** The rank files of the set `spec` names (one rank file, or a folder of them), in rank order; else undefined. */
export async function fsdpRankFilesOf(spec: SourceSpec): Promise<string[] | undefined> {
  if (spec.kind !== 'file') return undefined;
  const info = await stat(spec.path).catch(() => undefined);
  if (!info) return undefined;
  const folder = info.isDirectory() ? spec.path : dirname(spec.path);
  const own = info.isDirectory() ? undefined : parseFsdpRankName(basename(spec.path));
  if (!info.isDirectory() && !own) return undefined;
  const names = (await readdir(folder).catch(() => [] as string[])).flatMap((n) => {
    const p = parseFsdpRankName(n);
    return p ? [{ n, ...p }] : [];
  });
  const model = own?.model ?? Math.min(...names.map((x) => x.model));
  const set = names.filter((x) => x.model === model).sort((a, b) => a.rank - b.rank);
  if (set.length === 0) return undefined;
  set.forEach((x, i) => {
    if (x.rank !== i) throw new CheckpointError('missing-record', `${basename(folder)} has ${set.map((y) => y.n).join(', ')}: the rank ${i} file is missing.`);
  });
  return set.map((x) => join(folder, x.n));
}

/** An object's fields: its BUILD dict, or the dict of a slots dataclass's `(None, {field: value})`. */
function fieldsOf(v: PyValue | undefined): PyDict | undefined {
  const state = v instanceof PyObject ? (v.state instanceof PyTuple ? v.state.items[1] : v.state) : undefined;
  return state instanceof PyDict ? state : undefined;
}

function ints(v: PyValue | undefined): number[] | undefined {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (!items || !items.every((x) => typeof x === 'bigint' && x >= 0n && x <= BigInt(Number.MAX_SAFE_INTEGER))) return undefined;
  return items.map((x) => Number(x));
}

/** A ShardedTensor as torch pickles it (`_rebuild_from_type_v2` state): its one local shard's tensor and box, and its full size. */
interface LocalShard {
  tensor: PyOpaque<TensorRef>;
  offsets: number[];
  size: number[];
}

function localShard(v: PyValue): LocalShard | undefined {
  if (!(v instanceof PyObject) || !v.cls.qualifiedName.endsWith('sharded_tensor.api.ShardedTensor')) return undefined;
  const state = v.args[3];
  const shards = state instanceof PyTuple ? state.items[0] : undefined;
  if (!Array.isArray(shards) || shards.length !== 1) return undefined;
  const fields = fieldsOf(shards[0]);
  const tensor = fields?.get('tensor');
  const offsets = ints(fieldsOf(fields?.get('metadata'))?.get('shard_offsets'));
  const size = ints(fieldsOf(state instanceof PyTuple ? state.items[1] : undefined)?.get('size'));
  return isTensor(tensor) && offsets && size && offsets.length === tensor.payload.shape.length && size.length === offsets.length ? { tensor, offsets, size } : undefined;
}

/** The rank's state dict with each ShardedTensor replaced by its local shard's tensor. */
function unwrapRoot(root: PyValue): PyValue {
  if (!(root instanceof PyDict)) return root;
  const out = new PyDict(root.className);
  for (const [k, v] of root.entries()) out.set(k, localShard(v)?.tensor ?? v);
  return out;
}

/** The keys that hold a ShardedTensor of one full size in every rank, with each rank's shard. */
function shardedKeys(roots: readonly PyValue[]): Map<string, LocalShard[]> {
  const out = new Map<string, LocalShard[]>();
  const first = roots[0];
  if (!(first instanceof PyDict)) return out;
  for (const key of first.map.keys()) {
    if (typeof key !== 'string') continue;
    const shards = roots.map((r) => (r instanceof PyDict ? localShard(r.get(key) ?? null) : undefined));
    if (shards.every((s): s is LocalShard => s !== undefined && s.size.join(',') === shards[0]!.size.join(','))) out.set(key, shards);
  }
  return out;
}

export async function openFsdpRanks(paths: readonly string[], signal?: AbortSignal): Promise<OpenedShards> {
  const opened: Array<{ file: string; spec: SourceSpec; source: ByteSource; checkpoint: LoadedCheckpoint }> = [];
  const close = () => Promise.all(opened.map((o) => o.source.close())).then(() => undefined);
  try {
    for (const path of paths) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
      const spec: SourceSpec = { kind: 'file', path };
      const source = await openSource(spec);
      try {
        opened.push({ file: basename(path), spec, source, checkpoint: await openCheckpoint(source) });
      } catch (err) {
        await source.close();
        throw err instanceof CheckpointError ? new CheckpointError(err.code, `${basename(path)}: ${err.message}`, err.evidence) : err;
      }
    }
    return { checkpoint: combineRanks(opened), size: opened.reduce((n, o) => n + o.source.size, 0), close };
  } catch (err) {
    await close();
    throw err;
  }
}

function combineRanks(ranks: ReadonlyArray<{ file: string; spec: SourceSpec; source: ByteSource; checkpoint: LoadedCheckpoint }>): LoadedCheckpoint {
  const root = new PyDict();
  const back = new Map<StorageRef, { rank: number; storage: StorageRef }>();
  const files: ShardFile[] = [];
  const sharded = shardedKeys(ranks.map((r) => r.checkpoint.root));
  const values: PyValue[] = [];
  ranks.forEach(({ file, checkpoint }, rank) => {
    const value = unwrapRoot(checkpoint.root);
    const renamed = new Map<StorageRef, StorageRef>();
    let tensors = 0;
    let tensorBytes = 0;
    for (const { tensor } of walkTensors(value)) {
      const original = tensor.payload.storage;
      if (back.has(original)) continue;
      let storage = renamed.get(original);
      if (!storage) {
        storage = { ...original, key: `rank${rank}/${original.key}` };
        renamed.set(original, storage);
        back.set(storage, { rank, storage: original });
      }
      (tensor as { payload: TensorRef }).payload = { ...tensor.payload, storage };
      tensors++;
      tensorBytes += tensorNbytes(tensor.payload);
    }
    files.push({ file, size: ranks[rank].source.size, tensors, tensorBytes });
    values.push(value);
  });
  const rankRead = (s: StorageRef, offset: number, length: number): Promise<Uint8Array> => {
    const found = back.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of the rank files'`);
    return ranks[found.rank].checkpoint.readStorage(found.storage, offset, length);
  };
  const merged = new Map<StorageRef, { size: number[]; boxes: ChunkBox[]; readers: ChunkReader[] }>();
  for (const [key, shards] of sharded) {
    const dtype = shards[0].tensor.payload.dtype;
    if (shards.some((s) => s.tensor.payload.dtype.name !== dtype.name)) continue;
    const size = shards[0].size;
    const boxes = shards.map((s, r) => ({ offsets: s.offsets, sizes: s.tensor.payload.shape, file: ranks[r].file }));
    checkTiling(key, size, boxes);
    const storage: StorageRef = { key: `fsdp/${key}`, dtype, nbytes: numel(size) * dtype.itemsize, location: 'cpu' };
    merged.set(storage, { size, boxes, readers: shards.map((s, r) => tensorReader({ readStorage: rankRead }, s.tensor.payload, `${ranks[r].file}: the local shard of "${key}"`)) });
    root.set(key, new PyOpaque('tensor', { dtype, shape: [...size], stride: contiguousStride(size), storageOffset: 0, storage, requiresGrad: false, parameter: false }));
    for (const v of values) if (v instanceof PyDict) v.map.delete(key);
  }
  values.forEach((v, rank) => {
    if (!(v instanceof PyDict) || v.size > 0) root.set(`rank${rank}`, v);
  });
  const fileOf = (s: StorageRef): string => {
    const m = merged.get(s);
    if (m) return m.boxes.map((b) => b.file).join(', ');
    const found = back.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of the rank files'`);
    return ranks[found.rank].file;
  };
  return {
    format: ranks[0].checkpoint.format,
    root,
    globals: [...new Set(ranks.flatMap((r) => r.checkpoint.globals))],
    calls: mergeCallLogs(ranks.map((r) => r.checkpoint.calls)),
    littleEndian: ranks.every((r) => r.checkpoint.littleEndian),
    readStorage: async (s, offset, length) => {
      const m = merged.get(s);
      if (!m) return rankRead(s, offset, length);
      // Widened to whole elements, as the run loop reads them.
      const item = s.dtype.itemsize;
      const first = Math.floor(offset / item) * item;
      const bytes = await readRuns(m.size, m.boxes, m.readers, item, first, new Uint8Array(Math.ceil((offset + length) / item) * item - first));
      return bytes.subarray(offset - first, offset - first + length);
    },
    storageStart: async () => undefined,
    shards: {
      index: ranks[0].file.replace(/rank\d+\.bin$/, 'rank*.bin'),
      files,
      fileOf,
      sourceOf: (s) => ranks[back.get(s)?.rank ?? 0].spec,
      chunksOf: (s) => merged.get(s)?.boxes.map((b) => ({ file: b.file, offsets: [...b.offsets], sizes: [...b.sizes] })) ?? [],
    },
    notes: [
      `Accelerate's FSDP LOCAL_STATE_DICT: ${ranks.length} rank file${ranks.length === 1 ? '' : 's'}. ${merged.size} ShardedTensor${merged.size === 1 ? '' : 's'} (FSDP's flat parameters) assembled from the ranks' local shards by their offsets; anything else is shown per rank (rank0, rank1, …).`,
      ...new Set(ranks.flatMap((r) => r.checkpoint.notes)),
    ],
  };
}
