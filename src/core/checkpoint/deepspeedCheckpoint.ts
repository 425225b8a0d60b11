// A DeepSpeed checkpoint folder (`global_stepN/`, deepspeedLocation.ts) opened as one checkpoint.
// The root is the rank-0 model states dict as saved (`module` with the 16-bit weights,
// `buffer_names`, `param_shapes`, `shared_params`, `ds_config`, …), plus:
// - `fp32`: the fp32 state dict zero_to_fp32 gathers, in its order: the buffers and (stage 1/2)
//   frozen parameters as the module saved them, ZeRO-3's frozen parameters from each rank's
//   fragment, then every trainable parameter assembled from the ranks' fp32 partitions by
//   `param_shapes` (zeroPartitions.ts), then `shared_params`' aliases tied to their parameter.
//   Each assembled tensor lists its pieces as chunks: runs of the flattened tensor
//   (`offsets [start]`, `sizes [count]`), each in one rank's `*_optim_states.pt`.
// - `optim_states`: each rank's `optimizer_state_dict` and the rest of its file, in rank order,
//   without the fp32 partitions (they are the chunks of `fp32`).
// Export takes `fp32` as the model's weights. The files' pickles are read by the same inert
// reader as any checkpoint; DeepSpeed's own classes (ZeroStageEnum, loss scalers) stay inert.
import { basename, join } from 'node:path';
import { CheckpointError, CorruptError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import type { StorageReader } from '../torch/tensorBytes';
import { isTensor } from '../torch/torchReconstructions';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { contiguousStride, isContiguous, numel, tensorNbytes } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import { PyDict, PyGlobal, PyObject, PyOpaque, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import type { ChunkBox, ChunkReader } from './dcpChunks';
import { checkTiling, readRuns, tensorReader } from './dcpChunks';
import type { DeepspeedFolder } from './deepspeedLocation';
import type { DeepspeedFileName } from './deepspeedNames';
import { parseDeepspeedName } from './deepspeedNames';
import { openCheckpoint } from './openCheckpoint';
import type { OpenedShards } from './shardedCheckpoint';
import type { ParamShapes, ZeroFiles, ZeroParam, ZeroPiece } from './zeroPartitions';
import { zero2Layout, zero3FrozenPieces, zero3Layout } from './zeroPartitions';

interface DsFile {
  file: string;
  spec: SourceSpec;
  source: ByteSource;
  checkpoint: LoadedCheckpoint;
  named: DeepspeedFileName;
}

interface Assembled {
  size: number[];
  boxes: ChunkBox[];
  readers: ChunkReader[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

function safeInt(v: PyValue | undefined): number | undefined {
  return typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** ZeroStageEnum's members (deepspeed/runtime/zero/config.py). */
const ZERO_STAGES = new Map([['disabled', 0], ['optimizer_states', 1], ['gradients', 2], ['weights', 3], ['max_stage', 3]]);

/**
 * An int, or DeepSpeed's ZeroStageEnum member: pickled by value (`ZeroStageEnum(2)`) before
 * Python 3.11, by name (`getattr(ZeroStageEnum, 'gradients')`) from 3.11 on. Read, never called.
 */
function intOf(v: PyValue | undefined): number | undefined {
  if (v instanceof PyObject && v.cls.name === 'ZeroStageEnum') return safeInt(v.args[0]);
  if (v instanceof PyObject && v.cls.name === 'getattr' && v.args[0] instanceof PyGlobal && v.args[0].name === 'ZeroStageEnum' && typeof v.args[1] === 'string') return ZERO_STAGES.get(v.args[1]);
  return safeInt(v);
}

function itemsOf(v: PyValue | undefined): PyValue[] | undefined {
  return Array.isArray(v) ? v : v instanceof PyTuple ? v.items : undefined;
}

/** A torch.Size (rebuilt as a tuple) or a list of ints. */
function shapeOf(v: PyValue | undefined): number[] | undefined {
  const items = itemsOf(v);
  const dims = items?.map(safeInt);
  return dims && dims.every((d): d is number => d !== undefined) ? dims : undefined;
}

function named(d: PyDict, what: string, file: string): Array<[string, PyValue]> {
  return [...d.entries()].map(([k, v]) => {
    if (typeof k !== 'string') throw new CorruptError(`${file}: ${what} has a key that is not a name.`);
    return [k, v];
  });
}

function shapesOf(d: PyDict, what: string, file: string): Array<[string, number[]]> {
  return named(d, what, file).map(([k, v]) => {
    const shape = shapeOf(v);
    if (!shape) throw new CorruptError(`${file}: ${what} gives "${k}" a shape that is not a list of sizes.`);
    return [k, shape];
  });
}

/** `param_shapes`: a list of {name: shape} per param group (older saves: one dict). */
function paramShapesOf(v: PyValue | undefined, file: string): ParamShapes {
  if (v instanceof PyDict) return [shapesOf(v, 'param_shapes', file)];
  const groups = itemsOf(v);
  if (!groups || !groups.every((g) => g instanceof PyDict)) throw new CorruptError(`${file}: param_shapes is not a list of {name: shape} dicts, so the ZeRO partitions cannot be assembled.`);
  return groups.map((g, i) => shapesOf(g as PyDict, `param_shapes[${i}]`, file));
}

/** The world size a rank's file says: `partition_count`, per group under stage 1/2 (their largest, as zero_to_fp32 takes it). */
function worldOf(osd: PyDict, file: string): number {
  const v = osd.get('partition_count');
  const counts = (itemsOf(v) ?? [v]).map(safeInt);
  if (counts.length === 0 || !counts.every((c): c is number => c !== undefined && c > 0)) throw new CorruptError(`${file}: partition_count is not a positive count of data-parallel ranks.`);
  return Math.max(...counts);
}

async function openFiles(found: DeepspeedFolder, signal?: AbortSignal): Promise<{ files: DsFile[]; otherMp: string[] }> {
  const files: DsFile[] = [];
  const otherMp: string[] = [];
  try {
    for (const name of found.names) {
      const parsed = parseDeepspeedName(name);
      if (!parsed) continue;
      if (parsed.mpRank !== 0) {
        otherMp.push(name);
        continue;
      }
      cancelled(signal);
      const spec: SourceSpec = { kind: 'file', path: join(found.folder, name) };
      const source = await openSource(spec);
      try {
        files.push({ file: name, spec, source, checkpoint: await openCheckpoint(source), named: parsed });
      } catch (err) {
        await source.close();
        throw err instanceof CheckpointError ? new CheckpointError(err.code, `${name}: ${err.message}`, err.evidence) : err;
      }
    }
    return { files, otherMp };
  } catch (err) {
    await Promise.all(files.map((f) => f.source.close()));
    throw err;
  }
}

export async function openDeepspeedCheckpoint(found: DeepspeedFolder, signal?: AbortSignal): Promise<OpenedShards> {
  const { files, otherMp } = await openFiles(found, signal);
  const close = () => Promise.all(files.map((f) => f.source.close())).then(() => undefined);
  try {
    const checkpoint = combine(found, files, otherMp);
    return { checkpoint, size: files.reduce((n, f) => n + f.source.size, 0), close };
  } catch (err) {
    await close();
    if (!(err instanceof CheckpointError) || err.globals) throw err;
    // What the files' pickles named still reaches the verdict.
    throw err.withEvidence({ globals: [...new Set(files.flatMap((f) => f.checkpoint.globals))], calls: mergeCallLogs(files.map((f) => f.checkpoint.calls)) });
  }
}

/** Gives every file's storages keys of their own (two files both have a storage "0"); reads go back to the file. */
function renameStorages(files: readonly DsFile[]): Map<StorageRef, { file: DsFile; storage: StorageRef }> {
  const back = new Map<StorageRef, { file: DsFile; storage: StorageRef }>();
  for (const f of files) {
    const renamed = new Map<StorageRef, StorageRef>();
    for (const { tensor } of walkTensors(f.checkpoint.root)) {
      const original = tensor.payload.storage;
      if (back.has(original)) continue; // a tied tensor met again
      let storage = renamed.get(original);
      if (!storage) {
        storage = { ...original, key: `${f.file}/${original.key}` };
        renamed.set(original, storage);
        back.set(storage, { file: f, storage: original });
      }
      // In place: the value is this reader's own copy.
      (tensor as { payload: TensorRef }).payload = { ...tensor.payload, storage };
    }
  }
  return back;
}

function combine(found: DeepspeedFolder, files: readonly DsFile[], otherMp: readonly string[]): LoadedCheckpoint {
  const tag = basename(found.folder);
  const models = files.filter((f) => f.named.role === 'model').sort((a, b) => (a.named.rank ?? -1) - (b.named.rank ?? -1));
  const optims = files.filter((f) => f.named.role === 'optimizer').sort((a, b) => a.named.rank! - b.named.rank!);
  const main = models.find((f) => f.named.rank === undefined) ?? models.find((f) => f.named.rank === 0);
  if (!main) throw new CheckpointError('missing-record', `${tag} has no mp_rank_00_model_states.pt (or ZeRO-3's zero_pp_rank_0_mp_rank_00_model_states.pt): the model states are missing.`);
  const back = renameStorages(files);
  const fileRead = (s: StorageRef, offset: number, length: number): Promise<Uint8Array> => {
    const found = back.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of ${tag}'s`);
    return found.file.checkpoint.readStorage(found.storage, offset, length);
  };
  const states = main.checkpoint.root;
  if (!(states instanceof PyDict)) throw new CorruptError(`${main.file} does not hold a dict of model states.`);
  const root = new PyDict(states.className);
  for (const [k, v] of states.entries()) root.set(k, v);
  const notes: string[] = [];
  const assembled = new Map<StorageRef, Assembled>();
  const zero = optims.length > 0 ? assembleZero(main, models, optims, tag, fileRead, assembled) : undefined;
  if (zero) {
    if (zero.fp32) root.set('fp32', zero.fp32);
    root.set('optim_states', zero.shown);
    notes.push(zero.note);
  } else {
    notes.push(`A DeepSpeed checkpoint (${tag}) without ZeRO optimizer partitions: the model states as saved.`);
  }
  if (otherMp.length > 0) notes.push(`Model-parallel ranks other than mp_rank_00 are not read: ${otherMp.join(', ')}.`);
  for (const f of files) for (const n of f.checkpoint.notes) if (!notes.includes(n)) notes.push(n);
  const shardFiles: ShardFile[] = files.map((f) => {
    const tensors = walkTensors(f.checkpoint.root);
    const distinct = [...new Set(tensors.map((t) => t.tensor))];
    return { file: f.file, size: f.source.size, tensors: distinct.length, tensorBytes: distinct.reduce((n, t) => n + tensorNbytes(t.payload), 0) };
  });
  const readAssembledInto = (a: Assembled, s: StorageRef, offset: number, target: Uint8Array) => readRuns(a.size, a.boxes, a.readers, s.dtype.itemsize, offset, target);
  const readStorage = async (s: StorageRef, offset: number, length: number): Promise<Uint8Array> => {
    const a = assembled.get(s);
    if (!a) return fileRead(s, offset, length);
    // Widened to whole elements, as the run loop reads them.
    const item = s.dtype.itemsize;
    const first = Math.floor(offset / item) * item;
    const bytes = await readAssembledInto(a, s, first, new Uint8Array(Math.ceil((offset + length) / item) * item - first));
    return bytes.subarray(offset - first, offset - first + length);
  };
  const checkpoint: LoadedCheckpoint & Required<Pick<StorageReader, 'readStorageInto'>> = {
    format: main.checkpoint.format,
    root,
    globals: [...new Set(files.flatMap((f) => f.checkpoint.globals))],
    calls: mergeCallLogs(files.map((f) => f.checkpoint.calls)),
    littleEndian: files.every((f) => f.checkpoint.littleEndian),
    ...(zero?.fp32 ? { weightsKey: 'fp32' } : {}),
    readStorage,
    readStorageInto: async (s, offset, target) => {
      const a = assembled.get(s);
      const item = s.dtype.itemsize;
      if (a && offset % item === 0 && target.length % item === 0) return readAssembledInto(a, s, offset, target);
      target.set(await readStorage(s, offset, target.length));
      return target;
    },
    storageStart: async (s) => {
      const found = back.get(s);
      return found ? found.file.checkpoint.storageStart(found.storage) : undefined;
    },
    shards: {
      index: tag,
      files: shardFiles,
      fileOf: (s) => {
        const a = assembled.get(s);
        return a ? [...new Set(a.boxes.map((b) => b.file))].join(', ') : (back.get(s)?.file.file ?? '');
      },
      sourceOf: (s) => back.get(s)?.file.spec ?? assembledSpec(assembled.get(s), files) ?? main.spec,
      chunksOf: (s) => assembled.get(s)?.boxes.map((b) => ({ file: b.file, offsets: [...b.offsets], sizes: [...b.sizes] })) ?? [],
    },
    notes,
  };
  return checkpoint;
}

function assembledSpec(a: Assembled | undefined, files: readonly DsFile[]): SourceSpec | undefined {
  const first = a?.boxes[0]?.file;
  return files.find((f) => f.file === first)?.spec;
}

/** The name the file of rank `rank`'s partition would have, in the folder's own naming. */
function partitionName(optims: readonly DsFile[], rank: number): string {
  const bf16 = optims[0]?.file.startsWith('bf16_') ? 'bf16_' : '';
  return `${bf16}zero_pp_rank_${rank}_mp_rank_00_optim_states.pt`;
}

function assembleZero(
  main: DsFile,
  models: readonly DsFile[],
  optims: readonly DsFile[],
  tag: string,
  fileRead: (s: StorageRef, offset: number, length: number) => Promise<Uint8Array>,
  assembled: Map<StorageRef, Assembled>,
): { fp32?: PyDict; shown: PyValue[]; note: string } {
  const osds = optims.map((o) => {
    const r = o.checkpoint.root;
    const osd = r instanceof PyDict ? r.get('optimizer_state_dict') : undefined;
    if (!(osd instanceof PyDict)) throw new CorruptError(`${o.file} holds no optimizer_state_dict: it is not a ZeRO partition.`);
    return osd;
  });
  const stage = intOf(osds[0].get('zero_stage'));
  const shown = optims.map((o) => o.checkpoint.root);
  if (stage === undefined) return { shown, note: `A DeepSpeed checkpoint (${tag}) whose ${optims[0].file} says no zero_stage (not a ZeRO save: zero_to_fp32 refuses it too): its partitions are shown per rank under optim_states, not assembled.` };
  if (stage < 1 || stage > 3) throw new CorruptError(`${optims[0].file} says ZeRO stage ${stage}, which has no fp32 partitions to assemble.`);
  const world = worldOf(osds[0], optims[0].file);
  optims.forEach((o, i) => {
    const s = intOf(osds[i].get('zero_stage'));
    if (s !== stage) throw new CorruptError(`${o.file} says ZeRO stage ${s ?? 'none'}, but ${optims[0].file} says ${stage}: the files are of different saves.`);
    const w = worldOf(osds[i], o.file);
    if (w !== world) throw new CorruptError(`${o.file} says partition_count ${w}, but ${optims[0].file} says ${world}: the files disagree on the data-parallel world size.`);
    if (o.named.rank! >= world) throw new CorruptError(`${o.file} is the partition of data-parallel rank ${o.named.rank}, but partition_count says the world size is ${world}.`);
  });
  for (let r = 0; r < world; r++) {
    if (optims[r]?.named.rank !== r) {
      throw new CheckpointError('missing-record', `${partitionName(optims, r)} is missing: partition_count in ${optims[0].file} says ${world} data-parallel ranks, and ${tag} has no partition for rank ${r}.`);
    }
  }
  const key = stage <= 2 ? 'single_partition_of_fp32_groups' : 'fp32_flat_groups';
  const groups = optims.map((o, r) => {
    const list = itemsOf(osds[r].get(key));
    if (!list) throw new CorruptError(`${o.file}: optimizer_state_dict has no ${key} list (ZeRO stage ${stage}).`);
    return list.map((t, g) => {
      if (!isTensor(t) || t.payload.shape.length !== 1 || !isContiguous(t.payload)) throw new CorruptError(`${o.file}: ${key}[${g}] is not a flat tensor.`);
      return t.payload;
    });
  });
  const dtype = groups[0][0]?.dtype;
  for (const [r, g] of groups.entries()) {
    for (const t of g) if (t.dtype.name !== dtype?.name) throw new CorruptError(`${optims[r].file}: its ${key} hold ${t.dtype.name}, but ${optims[0].file}'s hold ${dtype?.name}.`);
  }
  const statesDict = main.checkpoint.root as PyDict;
  const shapes = paramShapesOf(statesDict.get('param_shapes'), main.file);
  const zeroFiles: ZeroFiles = { modelStates: main.file, ranks: optims.map((o) => o.file) };
  const lengths = groups.map((g) => g.map((t) => t.shape[0]));
  const layout = stage <= 2 ? zero2Layout(shapes, lengths, world, zeroFiles) : zero3Layout(shapes, lengths, world, zeroFiles);

  const fp32 = new PyDict('collections.OrderedDict');
  const assemble = (name: string, shape: number[], pieces: readonly ZeroPiece[], tensorOf: (p: ZeroPiece) => { ref: TensorRef; file: string; what: string }): PyOpaque<TensorRef> => {
    const parts = pieces.map(tensorOf);
    const d = parts[0]?.ref.dtype ?? dtype!;
    const boxes = pieces.map((p, i) => ({ offsets: [p.start], sizes: [p.count], file: parts[i].file }));
    const n = numel(shape);
    checkTiling(name, [n], boxes);
    const readers = pieces.map((p, i): ChunkReader => {
      const read = tensorReader({ readStorage: fileRead }, parts[i].ref, parts[i].what);
      return (element, target) => read(p.element + element, target);
    });
    const storage: StorageRef = { key: `zero/${name}`, dtype: d, nbytes: n * d.itemsize, location: 'cpu' };
    assembled.set(storage, { size: [n], boxes, readers });
    return new PyOpaque('tensor', { dtype: d, shape: [...shape], stride: contiguousStride(shape), storageOffset: 0, storage, requiresGrad: false, parameter: false });
  };

  // Buffers, in the module's order, as saved (zero_to_fp32 casts them with .float()).
  const module = statesDict.get('module');
  const bufferNames = new Set((itemsOf(statesDict.get('buffer_names')) ?? []).filter((n): n is string => typeof n === 'string'));
  let buffers = 0;
  if (module instanceof PyDict) {
    for (const [k, v] of module.entries()) {
      if (typeof k === 'string' && bufferNames.has(k) && isTensor(v)) {
        fp32.set(k, v);
        buffers++;
      }
    }
  }
  // Frozen parameters: whole in the model states under stage 1/2; under ZeRO-3 one fragment per rank's model states.
  const frozenShapes = statesDict.get('frozen_param_shapes');
  let frozen = 0;
  if (frozenShapes instanceof PyDict && frozenShapes.size > 0) {
    const shapesList = shapesOf(frozenShapes, 'frozen_param_shapes', main.file);
    const fragmentsOf = (f: DsFile, name: string): PyOpaque<TensorRef> => {
      const fr = f.checkpoint.root instanceof PyDict ? f.checkpoint.root.get('frozen_param_fragments') : undefined;
      const t = fr instanceof PyDict ? fr.get(name) : undefined;
      if (!isTensor(t)) throw new CorruptError(`${f.file}: frozen_param_fragments has no tensor "${name}", which frozen_param_shapes in ${main.file} lists.`);
      return t;
    };
    if (stage <= 2) {
      for (const [name] of shapesList) fp32.set(name, fragmentsOf(main, name));
    } else {
      const ranks = Array.from({ length: world }, (_, r) => {
        const f = models.find((m) => m.named.rank === r);
        if (!f) throw new CheckpointError('missing-record', `zero_pp_rank_${r}_mp_rank_00_model_states.pt is missing: ZeRO-3 keeps each rank's fragment of the frozen parameters there (world size ${world}).`);
        return f;
      });
      for (const [name, shape] of shapesList) {
        const size = Math.ceil(numel(shape) / world);
        const pieces = zero3FrozenPieces(shape, world);
        fp32.set(name, assemble(name, shape, pieces, (p) => {
          const t = fragmentsOf(ranks[p.rank], name).payload;
          if (numel(t.shape) !== size || !isContiguous(t)) throw new CorruptError(`${ranks[p.rank].file}: the fragment of the frozen parameter "${name}" holds ${numel(t.shape)} elements, but ceil(${numel(shape)} / ${world}) is ${size}.`);
          return { ref: t, file: ranks[p.rank].file, what: `${ranks[p.rank].file}: the fragment of "${name}"` };
        }));
      }
    }
    frozen = shapesList.length;
  }
  for (const param of layout as ZeroParam[]) {
    fp32.set(param.name, assemble(param.name, param.shape, param.pieces, (p) => ({ ref: groups[p.rank][p.group], file: optims[p.rank].file, what: `${optims[p.rank].file}: ${key}[${p.group}]` })));
  }
  const shared = statesDict.get('shared_params');
  let aliases = 0;
  if (shared instanceof PyDict) {
    for (const [alias, name] of shared.entries()) {
      const target = typeof name === 'string' ? fp32.get(name) : undefined;
      if (typeof alias === 'string' && target !== undefined) {
        fp32.set(alias, target);
        aliases++;
      }
    }
  }
  // Each rank's file as shown: without its fp32 partitions, which are the chunks of `fp32`.
  const without = shown.map((r, i) => {
    if (!(r instanceof PyDict)) return r;
    const copy = new PyDict(r.className);
    for (const [k, v] of r.entries()) {
      if (k !== 'optimizer_state_dict') {
        copy.set(k, v);
        continue;
      }
      const osd = new PyDict(osds[i].className);
      for (const [k2, v2] of osds[i].entries()) if (k2 !== key) osd.set(k2, v2);
      copy.set(k, osd);
    }
    return copy;
  });
  const version = statesDict.get('ds_version');
  const note = [
    `A DeepSpeed checkpoint (${tag}${typeof version === 'string' ? `, DeepSpeed ${version}` : ''}): ZeRO stage ${stage}, ${plural(world, 'data-parallel rank')}. `,
    `fp32 holds the fp32 state dict zero_to_fp32 gathers: ${plural(layout.length, 'parameter')} assembled from each rank's ${key} by param_shapes`,
    `${buffers || frozen ? `, ${plural(buffers, 'buffer')}${frozen ? ` and ${plural(frozen, 'frozen parameter')}` : ''} as saved (zero_to_fp32 casts buffers to float32)` : ''}`,
    `${aliases ? `, ${plural(aliases, 'shared parameter')} tied as shared_params says` : ''}; export writes it.`,
    ` module holds the 16-bit weights; optim_states each rank's optimizer state, its fp32 partitions shown as fp32's chunks.`,
  ].join('');
  return { fp32, shown: without, note };
}
