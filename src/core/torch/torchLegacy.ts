// The format torch.save wrote before 1.6 (`_use_new_zipfile_serialization=False`): five pickles
// in one stream — magic number, protocol version, system info, the object, the storage keys —
// then, for each key in that order, an int64 element count and the storage's raw bytes.
import { CorruptError, TruncatedError, UnsupportedError } from '../errors';
import type { PickleEvidence } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { PickleTruncatedError, unpickle } from '../pickle/unpickler';
import { mergeCallLogs } from '../values/callLog';
import type { CallLog } from '../values/callLog';
import { dictGet } from '../values/pyValue';
import type { PyValue, UnpickleResult } from '../values/pyValue';
import type { LoadedCheckpoint } from './loadedCheckpoint';
import { createStorageTable } from './persistentStorage';
import type { StorageTable } from './persistentStorage';
import { resolveTorchGlobal } from './torchReconstructions';
import type { StorageRef } from './tensorRef';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001n;
const FIRST_WINDOW = 1 << 20;
/** The header pickles of real files take kilobytes to a few megabytes; never read more than this. */
export const MAX_PICKLE_WINDOW = 512 * 1024 * 1024;

/** A legacy file starts with the pickled magic number: PROTO 2, LONG1 of 10 bytes. */
export function looksLikeLegacy(head: Uint8Array): boolean {
  const magic = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return head.length >= 14 && head[0] === 0x80 && head[2] === 0x8a && head[3] === 0x0a && magic.every((b, i) => head[4 + i] === b);
}

/** Unpickles the header pickles from a window that grows until they fit (up to MAX_PICKLE_WINDOW). */
async function readPickles(
  source: ByteSource,
  run: (data: Uint8Array) => UnpickleResult[],
  maxWindow = MAX_PICKLE_WINDOW,
): Promise<UnpickleResult[]> {
  const limit = Math.min(source.size, maxWindow);
  let window = Math.min(FIRST_WINDOW, limit);
  for (;;) {
    const data = await source.read(0, window);
    try {
      return run(data);
    } catch (err) {
      if (!(err instanceof PickleTruncatedError) || window === source.size) throw err;
      if (window === limit) throw new UnsupportedError(`its pickles do not end within the first ${limit} bytes (a broken file, or one far larger than any real checkpoint's).`);
      window = Math.min(Math.max(window * 4, err.atLeast), limit);
    }
  }
}

function readInt64(bytes: Uint8Array, littleEndian: boolean, evidence: PickleEvidence): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, littleEndian);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptError('a storage has an invalid element count.', evidence);
  return Number(v);
}

export async function loadTorchLegacy(source: ByteSource, options: { maxPickleWindow?: number } = {}): Promise<LoadedCheckpoint> {
  const table = createStorageTable();
  const hooks = { resolveGlobal: resolveTorchGlobal, persistentLoad: (pid: PyValue) => table.persistentLoad(pid) };
  const [magic, protocol, sysInfo, object, keys] = await readPickles(source, (data) => {
    const results: UnpickleResult[] = [];
    let offset = 0;
    for (let i = 0; i < 5; i++) {
      // An error in a later pickle carries what the earlier ones named too.
      const r = unpickle(data, hooks, { offset, earlier: i > 0 ? streamEvidence(results) : undefined });
      results.push(r);
      offset = r.end;
    }
    return results;
  }, options.maxPickleWindow);
  return loadStorages(source, table, { magic, protocol, sysInfo, object, keys }, streamEvidence([magic, protocol, sysInfo, object, keys]));
}

/** The globals and calls of several pickles of one stream, as one. */
interface StreamEvidence {
  globals: string[];
  calls: CallLog;
}

function streamEvidence(results: readonly UnpickleResult[]): StreamEvidence {
  return { globals: [...new Set(results.flatMap((r) => r.globals))], calls: mergeCallLogs(results.map((r) => r.calls)) };
}

interface LegacyPickles {
  magic: UnpickleResult;
  protocol: UnpickleResult;
  sysInfo: UnpickleResult;
  object: UnpickleResult;
  keys: UnpickleResult;
}

/** Reads the storage section; its errors carry what the pickles named (`evidence`), read before it. */
async function loadStorages(source: ByteSource, table: StorageTable, pickles: LegacyPickles, evidence: StreamEvidence): Promise<LoadedCheckpoint> {
  const { magic, protocol, sysInfo, object, keys } = pickles;
  if (magic.value !== MAGIC) throw new CorruptError('the legacy magic number is wrong.', evidence);
  if (protocol.value !== PROTOCOL_VERSION) throw new UnsupportedError(`legacy protocol version ${String(protocol.value)}.`, evidence);
  if (!Array.isArray(keys.value)) throw new CorruptError('the legacy storage key list is missing.', evidence);
  // A big-endian machine wrote its element counts big-endian too, not only the tensor bytes.
  const littleEndian = dictGet(sysInfo.value, 'little_endian') !== false;

  // Walk the storage section: each record is an int64 element count, then the bytes.
  const offsets = new Map<string, number>();
  let at = keys.end;
  for (const k of keys.value) {
    const key = typeof k === 'string' ? k : String(k);
    const storage = table.storages.get(key);
    if (!storage) throw new CorruptError(`the legacy storage "${key}" is listed but never used.`, evidence);
    if (at + 8 > source.size) throw new TruncatedError(undefined, evidence);
    const count = readInt64(await source.read(at, 8), littleEndian, evidence);
    const nbytes = count * storage.dtype.itemsize;
    if (nbytes < storage.nbytes) throw new CorruptError(`the legacy storage "${key}" is smaller than its tensors need.`, evidence);
    offsets.set(key, at + 8);
    at += 8 + nbytes;
    if (at > source.size) throw new TruncatedError(undefined, evidence);
  }
  for (const key of table.storages.keys()) {
    if (!offsets.has(key)) throw new CorruptError(`the legacy storage "${key}" has no data.`, evidence);
  }

  return {
    format: 'torch-legacy',
    root: object.value,
    globals: evidence.globals,
    calls: evidence.calls,
    littleEndian,
    notes: ['Legacy format (written before torch 1.6).', ...(littleEndian ? [] : ['Big-endian file: tensor bytes are swapped when read.'])],
    readStorage(storage: StorageRef, offset: number, length: number): Promise<Uint8Array> {
      const start = offsets.get(storage.key);
      if (start === undefined) throw new CorruptError(`the legacy storage "${storage.key}" has no data.`);
      return source.read(start + offset, length);
    },
    async storageStart(storage: StorageRef): Promise<number | undefined> {
      return offsets.get(storage.key);
    },
  };
}
