// A torch.distributed.checkpoint folder opened as one checkpoint: `.metadata` (dcpMetadata.ts)
// says which tensors there are and where each chunk's bytes lie in the `__<rank>_<n>.distcp`
// files; every chunk (and every non-tensor item) is a whole torch.save archive at that offset,
// opened through a window on its file. Each tensor is shown whole, as the chunks assemble into:
// its bytes are read run by run from the chunks (dcpChunks.ts), so no tensor and no file is ever
// held in memory; a one-chunk tensor reads straight through. Reads happen in place (no byte
// offsets for kernel workers: an assembled tensor lies in no one file).
import { CheckpointError, CorruptError, UnsupportedError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { readWhole } from '../io/readWhole';
import { SliceByteSource } from '../io/sliceByteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import { unpickle } from '../pickle/unpickler';
import { clearDcpEnumLookups } from '../security/checkpointVerdict';
import type { LoadedCheckpoint, ShardFile } from '../torch/loadedCheckpoint';
import type { StorageReader } from '../torch/tensorBytes';
import { isTensor, resolveTorchGlobal } from '../torch/torchReconstructions';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { contiguousStride, isContiguous, numel } from '../torch/tensorRef';
import { walkTensors } from '../torch/tensorWalk';
import { mergeCallLogs } from '../values/callLog';
import type { UnpickleResult } from '../values/pyValue';
import { PyDict, PyOpaque } from '../values/pyValue';
import type { ChunkBox, ChunkReader } from './dcpChunks';
import { checkTiling, readRuns, tensorReader } from './dcpChunks';
import type { DcpChunk, DcpMetadata, DcpStorage, DcpTensorEntry } from './dcpMetadata';
import { METADATA_FILE, parseDcpMetadata } from './dcpMetadata';
import { openCheckpoint } from './openCheckpoint';
import type { OpenedShards } from './shardedCheckpoint';
import { shardSpec } from './shardedCheckpoint';

/** `.metadata` of a checkpoint of 100,000 tensors is a few tens of MB. */
const MAX_METADATA_BYTES = 256 * 1024 * 1024;
/** Item archives opened at once. */
const OPEN_CONCURRENCY = 16;

interface DataFile {
  file: string;
  spec: SourceSpec;
  source: ByteSource;
}

/** A chunk opened: its archive and the tensor in it. */
interface OpenedChunk {
  box: DcpChunk;
  checkpoint: LoadedCheckpoint;
  tensor: TensorRef;
  /** Where the chunk's element 0 lies in its .distcp file, when its record is stored as it is and the tensor is contiguous. */
  at?: { source: ByteSource; offset: number };
}

interface Assembled {
  entry: DcpTensorEntry;
  chunks: OpenedChunk[];
  boxes: ChunkBox[];
  readers: ChunkReader[];
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

async function readMetadata(spec: SourceSpec): Promise<{ result: UnpickleResult; metadata: DcpMetadata; bytes: number }> {
  const text = await readWhole(spec, MAX_METADATA_BYTES);
  if (!text.ok) throw new CheckpointError('not-checkpoint', `${METADATA_FILE}: ${text.problem}.`);
  let result: UnpickleResult;
  try {
    result = unpickle(text.bytes, { resolveGlobal: resolveTorchGlobal });
  } catch (err) {
    throw err instanceof CheckpointError ? new CheckpointError(err.code, `${METADATA_FILE}: ${err.message}`, err.evidence) : err;
  }
  try {
    return { result, metadata: parseDcpMetadata(result.value), bytes: text.bytes.length };
  } catch (err) {
    // The verdict on what the pickle named still reaches the user (a hostile `.metadata`).
    throw err instanceof CheckpointError ? err.withEvidence(result) : err;
  }
}

async function openFiles(metadataSpec: SourceSpec, metadata: DcpMetadata): Promise<Map<string, DataFile>> {
  const files = new Map<string, DataFile>();
  const storages: Array<{ fqn: string; storage: DcpStorage }> = metadata.entries.flatMap((e) => (e.kind === 'bytes' ? [{ fqn: e.fqn, storage: e.storage }] : e.chunks.map((c) => ({ fqn: e.fqn, storage: c.storage }))));
  try {
    for (const { fqn, storage } of storages) {
      let file = files.get(storage.file);
      if (!file) {
        const spec = shardSpec(metadataSpec, storage.file);
        const source = await openSource(spec).catch((err: unknown) => {
          const code = (err as { code?: string }).code;
          if (code === 'ENOENT' || (err as { status?: number }).status === 404) throw new CheckpointError('missing-record', `${storage.file} is missing: ${METADATA_FILE} puts "${fqn}" there.`);
          throw err;
        });
        file = { file: storage.file, spec, source };
        files.set(storage.file, file);
      }
      if (storage.offset + storage.length > file.source.size) {
        throw new CorruptError(`${storage.file} holds ${file.source.size} bytes, but ${METADATA_FILE} puts "${fqn}" at bytes ${storage.offset} to ${storage.offset + storage.length}.`);
      }
    }
    return files;
  } catch (err) {
    await Promise.all([...files.values()].map((f) => f.source.close()));
    throw err;
  }
}

/** The torch.save archive at a storage's range, opened; errors name the file. */
async function openItem(files: ReadonlyMap<string, DataFile>, storage: DcpStorage, fqn: string): Promise<LoadedCheckpoint> {
  const file = files.get(storage.file)!;
  try {
    const checkpoint = await openCheckpoint(new SliceByteSource(file.source, storage.offset, storage.length));
    if (!checkpoint.littleEndian) throw new UnsupportedError('it is a big-endian archive.');
    return checkpoint;
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    throw new CheckpointError(err.code, `${storage.file}: the item "${fqn}" at bytes ${storage.offset} to ${storage.offset + storage.length}: ${err.message}`, err.evidence);
  }
}

async function openChunk(files: ReadonlyMap<string, DataFile>, entry: DcpTensorEntry, box: DcpChunk): Promise<OpenedChunk> {
  const checkpoint = await openItem(files, box.storage, entry.fqn);
  try {
    return await chunkOf(checkpoint, files, entry, box);
  } catch (err) {
    // What the chunk's pickle named reaches the verdict (a chunk can hold a hostile pickle).
    throw err instanceof CheckpointError && !err.globals ? err.withEvidence(checkpoint) : err;
  }
}

async function chunkOf(checkpoint: LoadedCheckpoint, files: ReadonlyMap<string, DataFile>, entry: DcpTensorEntry, box: DcpChunk): Promise<OpenedChunk> {
  const root = checkpoint.root;
  const said = `${entry.dtype.name} [${box.sizes.join(', ')}]`;
  if (!isTensor(root)) throw new CorruptError(`${box.storage.file}: the chunk of "${entry.fqn}" at [${box.offsets.join(', ')}] is not a tensor (${METADATA_FILE} says ${said}).`);
  const t = root.payload;
  if (t.dtype.name !== entry.dtype.name || t.shape.length !== box.sizes.length || t.shape.some((n, d) => n !== box.sizes[d])) {
    throw new CorruptError(`${box.storage.file}: the chunk of "${entry.fqn}" at [${box.offsets.join(', ')}] holds ${t.dtype.name} [${t.shape.join(', ')}], but ${METADATA_FILE} says ${said}.`);
  }
  const start = isContiguous(t) ? await checkpoint.storageStart(t.storage) : undefined;
  const at = start === undefined ? undefined : { source: files.get(box.storage.file)!.source, offset: box.storage.offset + start + (t.storage.byteOffset ?? 0) + t.storageOffset * t.dtype.itemsize };
  return { box, checkpoint, tensor: t, ...(at ? { at } : {}) };
}

/**
 * Opens every item's archive (a chunk's, or a non-tensor item's) in metadata order, a few at a
 * time: each costs a handful of small reads, and waiting on them one by one was most of the
 * time to open a folder of thousands of chunks.
 */
async function openItems(files: ReadonlyMap<string, DataFile>, metadata: DcpMetadata, signal?: AbortSignal): Promise<Map<DcpStorage, LoadedCheckpoint | OpenedChunk>> {
  const tasks: Array<() => Promise<LoadedCheckpoint | OpenedChunk>> = [];
  const keys: DcpStorage[] = [];
  for (const e of metadata.entries) {
    if (e.kind === 'bytes') {
      keys.push(e.storage);
      tasks.push(() => openItem(files, e.storage, e.fqn));
    } else {
      for (const box of e.chunks) {
        keys.push(box.storage);
        tasks.push(() => openChunk(files, e, box));
      }
    }
  }
  const results = new Array<LoadedCheckpoint | OpenedChunk>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      cancelled(signal);
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, tasks.length) }, worker));
  return new Map(keys.map((k, i) => [k, results[i]]));
}

/** `length` bytes from `offset` of the assembled tensor, read run by run from its chunks. */
/**
 * Fills `target` with the assembled tensor's bytes from `offset` (both whole elements), run by
 * run: straight from the .distcp file into `target` where the chunk's record is stored as it is.
 */
function readAssembledInto(a: Assembled, offset: number, target: Uint8Array): Promise<Uint8Array> {
  return readRuns(a.entry.size, a.boxes, a.readers, a.entry.dtype.itemsize, offset, target);
}

/** How to read a chunk's elements: straight from its file where it can, else through its archive. */
function chunkReader(chunk: OpenedChunk, fqn: string): ChunkReader {
  const item = chunk.tensor.dtype.itemsize;
  const at = chunk.at;
  if (at) {
    return async (element, piece) => {
      const from = at.offset + element * item;
      if (at.source.readInto) await at.source.readInto(from, piece);
      else piece.set(await at.source.read(from, piece.length));
    };
  }
  return tensorReader(chunk.checkpoint, chunk.tensor, `${chunk.box.storage.file}: the chunk of "${fqn}" at [${chunk.box.offsets.join(', ')}]`);
}

/** `length` bytes from `offset` of the assembled tensor (any byte range: widened to whole elements). */
async function readAssembled(a: Assembled, offset: number, length: number): Promise<Uint8Array> {
  const item = a.entry.dtype.itemsize;
  const first = Math.floor(offset / item) * item;
  const end = Math.ceil((offset + length) / item) * item;
  const bytes = await readAssembledInto(a, first, new Uint8Array(end - first));
  return bytes.subarray(offset - first, offset - first + length);
}

export async function openDcpCheckpoint(metadataSpec: SourceSpec, signal?: AbortSignal): Promise<OpenedShards> {
  const { result, metadata, bytes } = await readMetadata(metadataSpec);
  for (const e of metadata.entries) {
    if (e.kind === 'tensor') {
      try {
        checkTiling(e.fqn, e.size, e.chunks.map((c) => ({ ...c, file: c.storage.file })));
      } catch (err) {
        throw err instanceof CorruptError ? new CorruptError(`${METADATA_FILE}: ${err.detail}`, result) : err;
      }
    }
  }
  const own = clearDcpEnumLookups(result.globals, result.calls) ?? result;
  const files = await openFiles(metadataSpec, metadata).catch((err: unknown) => {
    throw err instanceof CheckpointError && !err.globals ? err.withEvidence(own) : err;
  });
  const close = () => Promise.all([...files.values()].map((f) => f.source.close())).then(() => undefined);
  try {
    const checkpoint = await assemble(metadata, result, files, signal);
    const size = bytes + [...files.values()].reduce((n, f) => n + f.source.size, 0);
    return { checkpoint, size, close };
  } catch (err) {
    await close();
    if (!(err instanceof CheckpointError)) throw err;
    // The verdict on a failed open weighs `.metadata`'s pickle (its Enum lookups judged apart) and the failing item's together.
    throw err.withEvidence({ globals: [...new Set([...own.globals, ...(err.globals ?? [])])], calls: mergeCallLogs([own.calls, ...(err.calls ? [err.calls] : [])]) });
  }
}

async function assemble(metadata: DcpMetadata, main: UnpickleResult, files: ReadonlyMap<string, DataFile>, signal?: AbortSignal): Promise<LoadedCheckpoint> {
  const root = new PyDict();
  const assembled = new Map<StorageRef, Assembled>();
  /** Storages of tensors inside non-tensor items: read from their own archive. */
  const inner = new Map<StorageRef, { checkpoint: LoadedCheckpoint; storage: StorageRef; file: string }>();
  const opened: LoadedCheckpoint[] = [];
  const perFile = new Map<string, ShardFile>([...files.keys()].map((f) => [f, { file: f, size: files.get(f)!.source.size, tensors: 0, tensorBytes: 0 }]));
  let chunkCount = 0;
  const items = await openItems(files, metadata, signal);
  for (const entry of metadata.entries) {
    if (entry.kind === 'bytes') {
      const item = items.get(entry.storage) as LoadedCheckpoint;
      opened.push(item);
      // Tensors inside the item keep their archive's storages, under keys of their own.
      const renamed = new Map<StorageRef, StorageRef>();
      for (const { tensor } of walkTensors(item.root)) {
        const original = tensor.payload.storage;
        if (inner.has(original)) continue; // a tied tensor met again
        if (!renamed.has(original)) {
          const storage = { ...original, key: `${entry.fqn}/${original.key}` };
          renamed.set(original, storage);
          inner.set(storage, { checkpoint: item, storage: original, file: entry.storage.file });
        }
        // The payload is replaced in place: the item's value is this reader's own copy.
        (tensor as { payload: TensorRef }).payload = { ...tensor.payload, storage: renamed.get(original)! };
      }
      root.set(entry.fqn, item.root);
      continue;
    }
    const chunks: OpenedChunk[] = [];
    for (const box of entry.chunks) {
      const chunk = items.get(box.storage) as OpenedChunk;
      chunks.push(chunk);
      opened.push(chunk.checkpoint);
      const f = perFile.get(box.storage.file)!;
      f.tensorBytes += numel(box.sizes) * entry.dtype.itemsize;
    }
    for (const file of new Set(entry.chunks.map((c) => c.storage.file))) perFile.get(file)!.tensors++;
    chunkCount += chunks.length;
    const storage: StorageRef = { key: `dcp/${entry.fqn}`, dtype: entry.dtype, nbytes: numel(entry.size) * entry.dtype.itemsize, location: 'cpu' };
    assembled.set(storage, { entry, chunks, boxes: chunks.map((c) => ({ ...c.box, file: c.box.storage.file })), readers: chunks.map((c) => chunkReader(c, entry.fqn)) });
    const ref: TensorRef = { dtype: entry.dtype, shape: [...entry.size], stride: contiguousStride(entry.size), storageOffset: 0, storage, requiresGrad: entry.requiresGrad, parameter: false };
    root.set(entry.fqn, new PyOpaque('tensor', ref));
  }
  const tensors = metadata.entries.filter((e) => e.kind === 'tensor').length;
  const notes = [
    `A torch.distributed.checkpoint folder (${metadata.module}${metadata.version ? `, version ${metadata.version}` : ''}): ${tensors} tensor${tensors === 1 ? '' : 's'} assembled from ${chunkCount} chunk${chunkCount === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}, read through ${METADATA_FILE}.`,
  ];
  // `.metadata` names builtins.getattr for its Enum members only: judged apart, then merged.
  const cleared = clearDcpEnumLookups(main.globals, main.calls);
  if (cleared) notes.push(`${METADATA_FILE} names builtins.getattr only as pickle writes an Enum member (getattr(MEM_FORMAT_ENCODING, 'TORCH_CONTIGUOUS_FORMAT')): not counted as dangerous.`);
  const own = cleared ?? main;
  const readStorage = async (s: StorageRef, offset: number, length: number): Promise<Uint8Array> => {
    const a = assembled.get(s);
    if (a) return readAssembled(a, offset, length);
    const found = inner.get(s);
    if (!found) throw new Error(`storage ${s.key} is not one of this checkpoint's`);
    return found.checkpoint.readStorage(found.storage, offset, length);
  };
  const chunksOf = (s: StorageRef) => assembled.get(s)?.chunks ?? [];
  // With readStorageInto, a stream of the tensor's bytes reads into a few reused buffers (torch/tensorBytes.ts).
  const checkpoint: LoadedCheckpoint & Required<Pick<StorageReader, 'readStorageInto'>> = {
    format: 'torch-dcp',
    root,
    globals: [...new Set([...own.globals, ...opened.flatMap((c) => c.globals)])],
    calls: mergeCallLogs([own.calls, ...opened.map((c) => c.calls)]),
    littleEndian: true,
    notes,
    readStorage,
    readStorageInto: async (s: StorageRef, offset: number, target: Uint8Array) => {
      const a = assembled.get(s);
      const item = s.dtype.itemsize;
      if (a && offset % item === 0 && target.length % item === 0) return readAssembledInto(a, offset, target);
      target.set(await readStorage(s, offset, target.length));
      return target;
    },
    storageStart: async () => undefined,
    shards: {
      index: METADATA_FILE,
      files: [...perFile.values()],
      fileOf: (s) => {
        const a = assembled.get(s);
        return a ? [...new Set(a.chunks.map((c) => c.box.storage.file))].join(', ') : (inner.get(s)?.file ?? '');
      },
      sourceOf: (s) => {
        const file = assembled.get(s)?.chunks[0]?.box.storage.file ?? inner.get(s)?.file;
        return files.get(file ?? '')?.spec ?? { kind: 'memory', name: s.key, bytes: new Uint8Array() };
      },
      chunksOf: (s) => chunksOf(s).map((c) => ({ file: c.box.storage.file, offsets: [...c.box.offsets], sizes: [...c.box.sizes] })),
    },
  };
  return checkpoint;
}
