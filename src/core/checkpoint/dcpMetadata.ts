// A torch.distributed.checkpoint `.metadata`, read from its unpickled value (the unpickler rebuilt
// its dataclasses as inert PyObjects): per fqn, a tensor (dtype, full size, the chunks it is
// saved in) or a bytes item (a torch.save of any other object), and where each item's bytes lie:
// `storage_data` maps MetadataIndex(fqn, chunk offsets) to _StorageInfo(relative_path, offset,
// length). Layouts of torch 1.13 (torch.distributed._shard.checkpoint) and 2.x
// (torch.distributed.checkpoint, with `version`, `storage_meta` and _StorageInfo's optional
// `transform_descriptors`) read alike. Every problem is a CorruptError naming `.metadata`.
import { CorruptError, UnsupportedError } from '../errors';
import type { DType } from '../torch/dtypes';
import { dtypeOf } from '../torch/torchReconstructions';
import { PyDict, PyObject, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';

export const METADATA_FILE = '.metadata';

export interface DcpStorage {
  /** The file beside `.metadata` (`__0_0.distcp`). */
  file: string;
  offset: number;
  length: number;
}

export interface DcpChunk {
  offsets: number[];
  sizes: number[];
  storage: DcpStorage;
}

export interface DcpTensorEntry {
  kind: 'tensor';
  fqn: string;
  dtype: DType;
  size: number[];
  requiresGrad: boolean;
  chunks: DcpChunk[];
}

export interface DcpBytesEntry {
  kind: 'bytes';
  fqn: string;
  storage: DcpStorage;
}

export type DcpEntry = DcpTensorEntry | DcpBytesEntry;

export interface DcpMetadata {
  entries: DcpEntry[];
  /** `Metadata.version` (torch 2.x), when given. */
  version?: string;
  /** The module the classes came from: `torch.distributed.checkpoint` or 1.13's `torch.distributed._shard.checkpoint`. */
  module: string;
}

function fail(detail: string): never {
  throw new CorruptError(`${METADATA_FILE}: ${detail}`);
}

/** A dataclass instance of the named class (any torch.distributed module), else undefined. */
function instanceOf(v: PyValue | undefined, name: string): PyObject | undefined {
  return v instanceof PyObject && v.cls.name === name && v.cls.module.startsWith('torch.distributed.') ? v : undefined;
}

function field(obj: PyObject, name: string): PyValue | undefined {
  return obj.state instanceof PyDict ? obj.state.get(name) : undefined;
}

function int(v: PyValue | undefined, what: string): number {
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return fail(`${what} is not a non-negative integer.`);
}

function ints(v: PyValue | undefined, what: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : fail(`${what} is not a torch.Size.`);
  return items.map((x) => int(x, what));
}

function storageOf(info: PyValue, fqn: string): DcpStorage {
  const obj = instanceOf(info, '_StorageInfo') ?? fail(`the storage of "${fqn}" is not a _StorageInfo.`);
  const file = field(obj, 'relative_path');
  if (typeof file !== 'string' || file === '' || file.includes('/') || file.includes('\\') || file === '.' || file === '..') {
    fail(`the storage of "${fqn}" names ${JSON.stringify(file)}, which is not a file beside it.`);
  }
  const transforms = field(obj, 'transform_descriptors');
  if (transforms !== undefined && transforms !== null && !(Array.isArray(transforms) && transforms.length === 0)) {
    throw new UnsupportedError(`"${fqn}" is stored through stream transforms (${JSON.stringify(Array.isArray(transforms) ? transforms.filter((t) => typeof t === 'string') : String(transforms))}), such as compression, which this reader does not undo.`);
  }
  return { file, offset: int(field(obj, 'offset'), `the offset of "${fqn}"`), length: int(field(obj, 'length'), `the length of "${fqn}"`) };
}

function storageKey(fqn: string, offsets: readonly number[] | undefined): string {
  return offsets === undefined ? `${fqn}\0` : `${fqn}\0${offsets.join(',')}`;
}

/** MetadataIndex(fqn, offset) → _StorageInfo, keyed by fqn and offsets. */
function storageTable(data: PyValue | undefined): Map<string, PyValue> {
  if (!(data instanceof PyDict)) fail('it has no storage_data: the save did not finish.');
  const out = new Map<string, PyValue>();
  for (const [key, info] of data.entries()) {
    const index = instanceOf(key, 'MetadataIndex') ?? fail('a storage_data key is not a MetadataIndex.');
    const fqn = field(index, 'fqn');
    if (typeof fqn !== 'string') fail('a MetadataIndex has no fqn.');
    const offset = field(index, 'offset');
    out.set(storageKey(fqn, offset === null || offset === undefined ? undefined : ints(offset, `the offset of "${fqn}"`)), info);
  }
  return out;
}

/** dtype and requires_grad from TensorProperties: a __getstate__ tuple, or a field dict. */
function properties(v: PyValue | undefined, fqn: string): { dtype: DType; requiresGrad: boolean } {
  const obj = instanceOf(v, 'TensorProperties') ?? fail(`"${fqn}" has no TensorProperties.`);
  const state = obj.state;
  const dtypeValue = state instanceof PyTuple ? state.items[0] : field(obj, 'dtype');
  const requiresGrad = state instanceof PyTuple ? state.items[2] : field(obj, 'requires_grad');
  const dtype = dtypeOf(dtypeValue) ?? fail(`"${fqn}" has a dtype this reader does not know.`);
  return { dtype, requiresGrad: requiresGrad === true };
}

function tensorEntry(fqn: string, obj: PyObject, storages: Map<string, PyValue>): DcpTensorEntry {
  const { dtype, requiresGrad } = properties(field(obj, 'properties'), fqn);
  const size = ints(field(obj, 'size'), `the size of "${fqn}"`);
  const list = field(obj, 'chunks');
  if (!Array.isArray(list)) fail(`"${fqn}" has no list of chunks.`);
  const seen = new Set<string>();
  const chunks = list.flatMap((c): DcpChunk[] => {
    const chunk = instanceOf(c, 'ChunkStorageMetadata') ?? fail(`a chunk of "${fqn}" is not a ChunkStorageMetadata.`);
    const offsets = ints(field(chunk, 'offsets'), `a chunk offset of "${fqn}"`);
    const sizes = ints(field(chunk, 'sizes'), `a chunk size of "${fqn}"`);
    if (offsets.length !== size.length || sizes.length !== size.length) fail(`a chunk of "${fqn}" has another rank than its size [${size.join(', ')}].`);
    // A chunk listed twice (a replicated tensor saved by several ranks, before torch deduplicated
    // them) is one chunk: storage_data has one entry per (fqn, offsets) anyway.
    const key = `${offsets.join(',')}/${sizes.join(',')}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const info = storages.get(storageKey(fqn, offsets)) ?? fail(`the chunk of "${fqn}" at [${offsets.join(', ')}] has no entry in storage_data.`);
    return [{ offsets, sizes, storage: storageOf(info, fqn) }];
  });
  return { kind: 'tensor', fqn, dtype, size, requiresGrad, chunks };
}

/** Reads the unpickled `.metadata` value; throws CorruptError (naming `.metadata`) when it is not one. */
export function parseDcpMetadata(value: PyValue): DcpMetadata {
  const md = instanceOf(value, 'Metadata') ?? fail('it does not hold a torch.distributed.checkpoint Metadata.');
  const sdm = field(md, 'state_dict_metadata');
  if (!(sdm instanceof PyDict)) fail('it has no state_dict_metadata.');
  const storages = storageTable(field(md, 'storage_data'));
  const entries: DcpEntry[] = [];
  for (const [key, item] of sdm.entries()) {
    if (typeof key !== 'string') fail('a state_dict_metadata key is not a string.');
    const tensor = instanceOf(item, 'TensorStorageMetadata');
    if (tensor) {
      entries.push(tensorEntry(key, tensor, storages));
    } else if (instanceOf(item, 'BytesStorageMetadata')) {
      const info = storages.get(storageKey(key, undefined)) ?? fail(`"${key}" has no entry in storage_data.`);
      entries.push({ kind: 'bytes', fqn: key, storage: storageOf(info, key) });
    } else {
      fail(`"${key}" is neither a TensorStorageMetadata nor a BytesStorageMetadata.`);
    }
  }
  const version = field(md, 'version');
  return { entries, module: md.cls.module.replace(/\.metadata$/, ''), ...(typeof version === 'string' ? { version } : {}) };
}
