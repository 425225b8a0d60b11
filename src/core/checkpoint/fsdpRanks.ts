// Accelerate's FSDP LOCAL_STATE_DICT save: one `pytorch_model_fsdp[_<i>]_rank<r>.bin` per rank
// (accelerate/utils/fsdp_utils.py save_fsdp_model), each a torch.save of the rank's local state
// dict, where FSDP (1.13's _local_post_state_dict_hook) wraps each flat parameter as a
// ShardedTensor of the rank's local shard. The set opens as one checkpoint whose top level is
// one entry per rank (`rank0`, `rank1`, …): tensors of one name in several ranks are shown per
// rank, not merged (a flat parameter is FSDP's padded concatenation of many parameters; the file
// does not say how to unflatten it). A ShardedTensor shows as its local shard's tensor.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import { isTensor } from '../torch/torchReconstructions';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import { PyDict, PyObject, PyTuple } from '../values/pyValue';
import type { PyValue , PyOpaque} from '../values/pyValue';
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

/** The local shard's tensor of a ShardedTensor as torch pickles it (`_rebuild_from_type_v2` state). */
function localShard(v: PyValue): PyOpaque<TensorRef> | undefined {
  if (!(v instanceof PyObject) || !v.cls.qualifiedName.endsWith('sharded_tensor.api.ShardedTensor')) return undefined;
  const state = v.args[3];
  const shards = state instanceof PyTuple ? state.items[0] : undefined;
  if (!Array.isArray(shards) || shards.length !== 1) return undefined;
  const shard = shards[0];
  // A dataclass with slots pickles its state as (None, {field: value}).
  const fields = shard instanceof PyObject ? (shard.state instanceof PyTuple ? shard.state.items[1] : shard.state) : undefined;
  const tensor = fields instanceof PyDict ? fields.get('tensor') : undefined;
  return isTensor(tensor) ? tensor : undefined;
}

/** The rank's state dict with each ShardedTensor replaced by its local shard's tensor. */
function unwrapRoot(root: PyValue): PyValue {
  if (!(root instanceof PyDict)) return root;
  const out = new PyDict(root.className);
  for (const [k, v] of root.entries()) out.set(k, localShard(v) ?? v);
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
    root.set(`rank${rank}`, value);
  });
  const of = (s: StorageRef) => {
    const found = back.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of the rank files'`);
    return { ...found, checkpoint: ranks[found.rank].checkpoint };
  };
  return {
    format: ranks[0].checkpoint.format,
    root,
    globals: [...new Set(ranks.flatMap((r) => r.checkpoint.globals))],
    calls: mergeCallLogs(ranks.map((r) => r.checkpoint.calls)),
    littleEndian: ranks.every((r) => r.checkpoint.littleEndian),
    readStorage: (s, offset, length) => {
      const { checkpoint, storage } = of(s);
      return checkpoint.readStorage(storage, offset, length);
    },
    storageStart: async () => undefined,
    shards: { index: ranks[0].file.replace(/rank\d+\.bin$/, 'rank*.bin'), files, fileOf: (s) => ranks[of(s).rank].file, sourceOf: (s) => ranks[of(s).rank].spec },
    notes: [
      `Accelerate's FSDP LOCAL_STATE_DICT: ${ranks.length} rank file${ranks.length === 1 ? '' : 's'}, shown per rank (rank0, rank1, …); each ShardedTensor as its rank's local shard, not merged.`,
      ...new Set(ranks.flatMap((r) => r.checkpoint.notes)),
    ],
  };
}
