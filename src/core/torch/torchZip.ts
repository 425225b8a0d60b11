// The zip format torch.save has written since 1.6 (and TorchScript archives, which share it):
// `<folder>/data.pkl` pickles the object, `<folder>/data/<key>` holds each storage's bytes,
// `<folder>/byteorder` (torch 2.x) says how they are ordered.
import { CheckpointError, CorruptError, MissingRecordError, NotCheckpointError, TruncatedError } from '../errors';
import { mergeCallLogs } from '../values/callLog';
import type { CallLog } from '../values/callLog';
import type { ByteSource } from '../io/byteSource';
import { unpickle } from '../pickle/unpickler';
import { RecordCrc } from '../zip/recordCrc';
import type { ZipArchive, ZipEntry } from '../zip/zipArchive';
import type { LoadedCheckpoint } from './loadedCheckpoint';
import { createStorageTable } from './persistentStorage';
import { resolveTorchGlobal } from './torchReconstructions';
import type { StorageRef } from './tensorRef';

/** The folder inside the archive that holds `data.pkl` (`archive/`, the file's stem, or ''). */
export function findRecordPrefix(archive: ZipArchive): string | undefined {
  let best: string | undefined;
  for (const e of archive.entries) {
    if (e.name === 'data.pkl' || e.name.endsWith('/data.pkl')) {
      const prefix = e.name.slice(0, -'data.pkl'.length);
      // The top-level one wins: TorchScript archives may hold other pickles deeper down.
      if (best === undefined || prefix.length < best.length) best = prefix;
    }
  }
  return best;
}

function isTorchScript(archive: ZipArchive, prefix: string): boolean {
  // The folder's name made once, not once per entry (a checkpoint can have 60,000 entries).
  const code = `${prefix}code/`;
  return archive.entry(`${prefix}constants.pkl`) !== undefined || archive.entries.some((e) => e.name.startsWith(code));
}

async function readByteOrder(archive: ZipArchive, prefix: string): Promise<'little' | 'big'> {
  const entry = archive.entry(`${prefix}byteorder`);
  if (!entry) return 'little';
  const text = new TextDecoder().decode(await archive.readEntry(entry, 64)).trim();
  if (text !== 'little' && text !== 'big') throw new CorruptError(`the byteorder record says "${text.slice(0, 20)}".`);
  return text;
}

/** Pickles the loader does not read: `constants.pkl`, a second folder's `data.pkl`, any `*.pkl`. */
interface OtherPickles {
  names: string[];
  globals: string[];
  calls: CallLog;
}

/**
 * Every other `*.pkl` entry, unpickled inertly (nothing resolved) for what it names: torch.load
 * reads one folder's data.pkl, but a file can carry a hostile pickle beside it for another loader.
 */
async function otherPickles(archive: ZipArchive, main: ZipEntry): Promise<OtherPickles> {
  const names: string[] = [];
  const globals: string[] = [];
  const calls: CallLog[] = [];
  for (const entry of archive.entries) {
    if (entry === main || !entry.name.endsWith('.pkl')) continue;
    names.push(entry.name);
    try {
      const r = unpickle(await archive.readEntry(entry), { resolveGlobal: () => undefined, persistentLoad: (pid) => pid });
      globals.push(...r.globals);
      calls.push(r.calls);
    } catch (err) {
      // A broken extra pickle does not stop the checkpoint from loading; what it named still counts.
      if (!(err instanceof CheckpointError)) throw err;
      if (err.globals) globals.push(...err.globals);
      if (err.calls) calls.push(err.calls);
    }
  }
  return { names, globals, calls: mergeCallLogs(calls) };
}

export async function loadTorchZip(_source: ByteSource, archive: ZipArchive): Promise<LoadedCheckpoint> {
  const prefix = findRecordPrefix(archive);
  if (prefix === undefined) throw new NotCheckpointError('This is a zip archive, but not a PyTorch checkpoint: it has no data.pkl.');
  const torchScript = isTorchScript(archive, prefix);
  const byteOrder = await readByteOrder(archive, prefix);
  const pickleEntry = archive.entry(`${prefix}data.pkl`) as ZipEntry;
  const table = createStorageTable();
  const main = unpickle(await archive.readEntry(pickleEntry), {
    resolveGlobal: resolveTorchGlobal,
    persistentLoad: (pid) => table.persistentLoad(pid),
  });
  const others = await otherPickles(archive, pickleEntry);
  const result = others.names.length === 0 ? main : { ...main, globals: [...new Set([...main.globals, ...others.globals])], calls: mergeCallLogs([main.calls, others.calls]) };

  // Every storage's record is checked now; its entry is looked up again by name when it is read
  // (no second map of tens of thousands of entries for a file that is only inspected).
  const recordName = (key: string): string => `${prefix}data/${key}`;
  for (const storage of table.storages.values()) {
    const entry = archive.entry(recordName(storage.key));
    // The pickle was read, so these errors carry what it named (`result` holds globals and calls).
    if (!entry) throw new MissingRecordError(`data/${storage.key}`, result);
    if (entry.uncompressedSize < storage.nbytes) {
      throw new CorruptError(`the record data/${storage.key} holds ${entry.uncompressedSize} bytes, but its storage needs ${storage.nbytes}.`, result);
    }
  }
  const known = table.storages;

  const crc = new RecordCrc(archive);
  const recordOf = (storage: StorageRef): ZipEntry => {
    const entry = known.has(storage.key) ? archive.entry(recordName(storage.key)) : undefined;
    if (!entry) throw new MissingRecordError(`data/${storage.key}`);
    return entry;
  };

  const notes: string[] = [];
  if (torchScript) notes.push('TorchScript archive: its code/ is listed, never run. Loading it with torch.jit.load would run that code.');
  if (others.names.length > 0) {
    notes.push(`The archive holds ${others.names.length === 1 ? 'another pickle' : `${others.names.length} other pickles`} (${others.names.slice(0, 3).join(', ')}${others.names.length > 3 ? ', …' : ''}): read for the verdict, never for the object.`);
  }
  if (byteOrder === 'big') notes.push('Big-endian archive: tensor bytes are swapped to little-endian when read.');

  return {
    format: torchScript ? 'torchscript' : 'torch-zip',
    root: result.value,
    globals: result.globals,
    calls: result.calls,
    littleEndian: byteOrder === 'little',
    notes,
    integrity: {
      verify: async (storage, signal) => crc.verify(recordOf(storage), signal),
      running: (storage, offset, length) => crc.running(recordOf(storage), offset, length),
      expected: (storage, offset, length) => crc.expected(recordOf(storage), offset, length),
      settle: (storage, error) => crc.settle(recordOf(storage), error),
    },
    async readStorage(storage: StorageRef, offset: number, length: number): Promise<Uint8Array> {
      const entry = recordOf(storage);
      if (offset + length > entry.uncompressedSize) throw new TruncatedError(`The record data/${storage.key}`);
      if (entry.method === 0) return archive.readStored(entry, offset, length);
      // A deflated record (rare: zips rewritten by other tools) must be inflated whole.
      return (await archive.readEntry(entry)).subarray(offset, offset + length);
    },
    async storageStart(storage: StorageRef): Promise<number | undefined> {
      const entry = known.has(storage.key) ? archive.entry(recordName(storage.key)) : undefined;
      return entry && entry.method === 0 ? archive.dataOffset(entry) : undefined;
    },
  };
}
