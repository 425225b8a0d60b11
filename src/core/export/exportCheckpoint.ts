// Export for inference: the model's weights of a checkpoint, and nothing else, written as a .pt
// that `torch.load(weights_only=True)` takes, as one .safetensors file, or as sharded
// safetensors in a folder; cast to bf16/fp16/fp32 on request. Each file streams tensor by tensor
// into a temp file beside its target and is renamed into place when whole.
import { mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { writeStreamAtomic } from '../io/atomicWrite';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { StorageReader } from '../torch/tensorBytes';
import { tensorChunks } from '../torch/tensorBytes';
import { isContiguous, numel } from '../torch/tensorRef';
import type { StorageRef } from '../torch/tensorRef';
import { findTies } from '../torch/tiedTensors';
import { walkTensors } from '../torch/tensorWalk';
import type { CastName } from './elementCast';
import { castChunks, castDtype } from './elementCast';
import type { ChunksOf, PlannedTensor } from './exportPlan';
import { written } from './exportPlan';
import type { OutputKind } from './exportTargets';
import { checkTargets, outputKind } from './exportTargets';
import { FileSink, SYNC_EVERY } from './fileSink';
import { ExportInputError, selectWeights, stripPrefixes } from './modelWeights';
import type { RecordCrcs } from './recordChecks';
import { RecordChecks } from './recordChecks';
import { safetensorsCode, writeSafetensorsFile } from './safetensorsWriter';
import { INDEX_FILE, planShards, shardIndex } from './shardPlan';
import { archiveFolder, writeTorchFile } from './torchSaveWriter';

/** Hugging Face's default shard size. */
export const DEFAULT_MAX_SHARD_BYTES = 5e9;

/** The checkpoint to export: parsed (a session's), and the file it came from. */
export interface ExportSource {
  checkpoint: LoadedCheckpoint;
  /** The source's path, or its URL (then nothing on this machine can be the source). */
  path: string;
  /** Where its bytes are read from again; default the file at `path`. */
  spec?: SourceSpec;
  size: number;
  step?: number;
  /** The source file's sha256, when known: noted in safetensors metadata. */
  sha256?: string;
  /** Checks the records copied on another core (a session's kernel workers); else on this thread. */
  recordCrcs?: RecordCrcs;
}

export interface ExportOptions extends ExportRequest {
  signal?: AbortSignal;
  /**
   * Work done so far, of the total, in bytes: the tensor bytes written, plus the bytes of the
   * source records a worker has checked (see RecordChecks), so it reaches the total only once
   * both are done.
   */
  onProgress?: (done: number, total: number) => void;
}

/** What to export, as plain data (it crosses to the session worker). */
export interface ExportRequest {
  /** A .pt/.pth/.bin file, a .safetensors file, or a folder (trailing `/`) for sharded safetensors. */
  output: string;
  key?: string;
  dtype?: CastName;
  stripPrefixes?: string[];
  /** Folder output only. */
  maxShardBytes?: number;
  /** Replace existing targets. */
  force?: boolean;
  /**
   * Flush each file to the disk before its rename even when its target is new (a replaced
   * target's file always is). Default false: a new file's data reaches the disk as `cp`'s does.
   */
  sync?: boolean;
}

export interface ExportResult {
  kind: OutputKind;
  /** Each file written; `flushed` when it was on the disk before its rename (a replaced file, or `sync`). */
  files: Array<{ path: string; bytes: number; flushed: boolean }>;
  /** Bytes of every file written. */
  bytes: number;
  sourceBytes: number;
  /** bytes / sourceBytes. */
  share: number;
  /** Where the weights were found ('' for the whole file). */
  weightsKey: string;
  /** Top-level keys left behind (optimizer, scheduler, …). */
  dropped: string[];
  /** Names in the output, tied names included. */
  tensors: number;
  /** Tied names: written once in safetensors, one storage in .pt. */
  ties: Array<{ name: string; sameAs: string }>;
  dtype: CastName | null;
  /** Tensors whose dtype changed. */
  cast: number;
}

/** The source's elements through reused buffers, read by offset from a handle of the export's own. */
function readerOver(ckpt: LoadedCheckpoint, source: ByteSource | undefined): StorageReader {
  const starts = new Map<string, Promise<number | undefined>>();
  const startOf = (s: StorageRef): Promise<number | undefined> => {
    let p = starts.get(s.key);
    if (!p) starts.set(s.key, (p = ckpt.storageStart(s)));
    return p;
  };
  return {
    littleEndian: ckpt.littleEndian,
    integrity: ckpt.integrity,
    readStorage: (s, offset, length) => ckpt.readStorage(s, offset, length),
    async readStorageInto(s, offset, target) {
      // (A sharded set's starts are within each shard: its reads go through the checkpoint.)
      const start = source ? await startOf(s) : undefined;
      if (start === undefined || !source) {
        target.set(await ckpt.readStorage(s, offset, target.length));
        return target;
      }
      if (source.readInto) return source.readInto(start + offset, target);
      target.set(await source.read(start + offset, target.length));
      return target;
    },
  };
}

/** The source record's CRC-32 when the tensor is that whole record, copied as it is (see PlannedTensor.crc32). */
function knownCrc(ckpt: LoadedCheckpoint, ref: PlannedTensor['ref'], dtype: PlannedTensor['dtype']): number | undefined {
  if (dtype.name !== ref.dtype.name || !ckpt.littleEndian || !isContiguous(ref) || numel(ref.shape) === 0) return undefined;
  const start = (ref.storage.byteOffset ?? 0) + ref.storageOffset * ref.dtype.itemsize;
  return ckpt.integrity?.expected(ref.storage, start, numel(ref.shape) * ref.dtype.itemsize)?.crc32;
}

function planTensors(source: ExportSource, options: ExportOptions, kind: OutputKind): { plan: PlannedTensor[]; weightsKey: string; dropped: string[] } {
  const selection = selectWeights(source.checkpoint.root, options.key ?? source.checkpoint.weightsKey);
  const named = stripPrefixes(selection.tensors, options.stripPrefixes ?? []);
  const sameAs = new Map(findTies(named).map((t) => [t.path, t.sameAs]));
  const plan = named.map((o): PlannedTensor => {
    const ref = o.tensor.payload;
    const dtype = castDtype(ref.dtype, options.dtype);
    if (kind !== 'pt' && !safetensorsCode(dtype.name)) throw new ExportInputError(`${o.path} is ${dtype.name}, which safetensors cannot hold; export to .pt instead.`);
    const nbytes = numel(ref.shape) * dtype.itemsize;
    return { name: o.path, ref, dtype, shape: ref.shape, nbytes, sameAs: sameAs.get(o.path), crc32: kind === 'pt' ? knownCrc(source.checkpoint, ref, dtype) : undefined };
  });
  return { plan, weightsKey: selection.key, dropped: selection.dropped };
}

/**
 * The source's path and, for a checkpoint of many files, each of its files on this machine: the
 * set's files lie together, in the folders its tensors are read from.
 */
function sourcePaths(source: ExportSource): string[] {
  const shards = source.checkpoint.shards;
  const paths = new Set([source.path]);
  if (!shards) return [...paths];
  const folders = new Set<string>();
  for (const { tensor } of walkTensors(source.checkpoint.root)) {
    const spec = shards.sourceOf(tensor.payload.storage);
    if (spec.kind === 'file') folders.add(dirname(spec.path));
  }
  for (const folder of folders) for (const f of shards.files) paths.add(join(folder, f.file));
  return [...paths];
}

/** The file the weights come from: the one file of a set that holds them all, else the source's own name. */
function sourceName(source: ExportSource, plan: readonly PlannedTensor[]): string {
  const files = new Set(plan.map((t) => source.checkpoint.shards?.fileOf(t.ref.storage)));
  const [only] = files;
  if (files.size === 1 && only !== undefined) return only;
  return basename(source.spec?.kind === 'url' ? new URL(source.path).pathname : source.path);
}

function metadataOf(source: ExportSource, plan: readonly PlannedTensor[]): Record<string, string> {
  const meta: Record<string, string> = { format: 'pt', source: sourceName(source, plan) };
  if (source.step !== undefined) meta.step = String(source.step);
  if (source.sha256) meta.source_sha256 = source.sha256;
  const ties = plan.filter((t) => t.sameAs !== undefined);
  if (ties.length) meta.aliases = JSON.stringify(Object.fromEntries(ties.map((t) => [t.name, t.sameAs!])));
  return meta;
}

/** Removes `folder` and its parents up to `top` (a folder the export made), each only if empty. */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let d = folder; d.startsWith(top); d = dirname(d)) {
    if (!(await rmdir(d).then(() => true, () => false)) || d === top) return;
  }
}

export async function exportCheckpoint(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const kind = await outputKind(options.output);
  if (options.maxShardBytes !== undefined && kind !== 'safetensors-folder') throw new ExportInputError('--max-shard-size needs a folder as the output (end it with /).');
  const { plan, weightsKey, dropped } = planTensors(source, options, kind);
  const toWrite = written(plan);
  const copyBytes = toWrite.reduce((n, t) => n + t.nbytes, 0);
  const files: Array<{ path: string; tensors: readonly PlannedTensor[]; write: (sink: FileSink) => Promise<void> }> = [];
  /** The first folder the export created, if any: removed again (when empty) if it fails. */
  let madeFolder: string | undefined;
  const input = source.checkpoint.shards ? undefined : await openSource(source.spec ?? { kind: 'file', path: source.path });
  const reader = readerOver(source.checkpoint, input);
  const checks = new RecordChecks(source.checkpoint, toWrite, source.recordCrcs);
  let done = 0;
  const progressed = (bytes: number): void => {
    done += bytes;
    options.onProgress?.(done, copyBytes + checks.handedOut);
  };
  // One ring for every tensor: a file's tensors are written one after another, each whole
  // (FileSink.pipe waits for its last write) before the next is read into the same buffers.
  const ring: Uint8Array[] = [];
  const chunksOf: ChunksOf = async function* (t, signal) {
    for await (const chunk of castChunks(tensorChunks(reader, t.ref, signal, checks.mode(t.ref), ring), t.ref.dtype, t.dtype)) {
      checks.throwIfFailed();
      progressed(chunk.length);
      yield chunk;
    }
  };
  const meta = metadataOf(source, plan);
  if (kind === 'pt') {
    const folder = archiveFolder(basename(options.output, extname(options.output)));
    files.push({ path: options.output, tensors: toWrite, write: (sink) => writeTorchFile(sink, folder, plan, chunksOf, options.signal) });
  } else if (kind === 'safetensors') {
    files.push({ path: options.output, tensors: toWrite, write: (sink) => writeSafetensorsFile(sink, toWrite, meta, chunksOf, options.signal) });
  } else {
    madeFolder = await mkdir(options.output, { recursive: true });
    const shards = planShards(toWrite, options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
    for (const shard of shards) {
      files.push({ path: join(options.output, shard.file), tensors: shard.tensors, write: (sink) => writeSafetensorsFile(sink, shard.tensors, meta, chunksOf, options.signal) });
    }
    if (shards.length > 1) {
      const text = new TextEncoder().encode(shardIndex(shards));
      files.push({ path: join(options.output, INDEX_FILE), tensors: [], write: (sink) => sink.write(text) });
    }
  }
  const created: string[] = [];
  const flushed: boolean[] = [];
  // Stopped when the export ends, whichever way: a worker's checks of what is left are not needed.
  const checking = new AbortController();
  const stopChecking = (): void => checking.abort();
  options.signal?.addEventListener('abort', stopChecking, { once: true });
  try {
    const paths = sourcePaths(source);
    await checkTargets(paths, files.map((f) => f.path), options.force ?? false);
    await checks.start(source.spec?.kind === 'url' ? [] : paths, checking.signal, progressed);
    for (const f of files) {
      const onDisk = await writeStreamAtomic(
        f.path,
        async (handle, durable) => {
          // A file that will be flushed before its rename is flushed as it goes; a new one is not.
          const sink = new FileSink(handle, durable ? SYNC_EVERY : Infinity);
          await f.write(sink);
          // Its records' checks passed and the source stayed as it was, before it is renamed into place.
          await checks.passed(f.tensors);
          await checks.checkUnchanged();
          await sink.settled();
        },
        { replace: options.force ?? false, sync: options.sync ?? false },
      );
      created.push(f.path);
      flushed.push(onDisk);
    }
  } catch (err) {
    // A folder export stopped halfway leaves none of its new files behind.
    for (const path of created) await rm(path, { force: true });
    if (madeFolder) await removeEmptyFolders(resolve(options.output), resolve(madeFolder));
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', stopChecking);
    checking.abort();
    await input?.close();
  }
  const sizes = await Promise.all(files.map(async (f, i) => ({ path: f.path, bytes: (await stat(f.path)).size, flushed: flushed[i]! })));
  const bytes = sizes.reduce((n, f) => n + f.bytes, 0);
  return {
    kind,
    files: sizes,
    bytes,
    sourceBytes: source.size,
    share: source.size > 0 ? bytes / source.size : 0,
    weightsKey,
    dropped,
    tensors: plan.length,
    ties: plan.filter((t) => t.sameAs !== undefined).map((t) => ({ name: t.name, sameAs: t.sameAs! })),
    dtype: options.dtype ?? null,
    cast: plan.filter((t) => t.dtype.name !== t.ref.dtype.name).length,
  };
}
