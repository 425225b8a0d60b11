// The end of a zip: the end-of-central-directory record (EOCD), and when present the ZIP64 locator
// and ZIP64 end record that PyTorch always writes. They say where the central directory is.

import { CorruptError, NotCheckpointError, TruncatedError, UnsupportedError } from '../errors';
import { hasSignature, u16, u32, u64 } from '../io/binary';
import type { ByteSource } from '../io/byteSource';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const LOCATOR_SIGNATURE = 0x07064b50;
const LOCATOR_SIZE = 20;
const EOCD64_SIGNATURE = 0x06064b50;
const EOCD64_SIZE = 56;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
/** The smallest central directory entry: its fixed part with empty name, extra and comment. */
export const MIN_CENTRAL_ENTRY_SIZE = 46;
/**
 * The central directory is read whole, so its size is bounded; it is the file's own bytes, so the
 * bound is as large as the pickle's (a 1,000,000-tensor checkpoint's directory takes about 90 MB).
 * Its entry count needs no bound of its own: every entry takes at least 46 bytes of it.
 */
export const MAX_CENTRAL_DIRECTORY = 512 * 1024 * 1024;

export interface ZipEndRecords {
  entryCount: number;
  /** Absolute offset of the central directory. */
  directoryOffset: number;
  directorySize: number;
  /** Bytes before the archive proper (e.g. a self-extractor stub): added to every stored offset. */
  prefix: number;
  comment: Uint8Array;
  zip64: boolean;
}

export async function readEndRecords(source: ByteSource): Promise<ZipEndRecords> {
  const size = source.size;
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const at = findEndRecord(tail);
  if (at < 0) {
    const head = size >= 4 ? await source.read(0, 4) : new Uint8Array(0);
    // A local header at the start but no end record: a zip whose end was cut off.
    if (hasSignature(head, 0, LOCAL_HEADER_SIGNATURE)) throw new TruncatedError('The zip archive');
    throw new NotCheckpointError('This file is not a zip archive: it has no end-of-central-directory record.');
  }
  const endPos = tailStart + at;
  const commentLength = Math.min(u16(tail, at + 20), tail.length - at - EOCD_SIZE);
  const comment = tail.slice(at + EOCD_SIZE, at + EOCD_SIZE + commentLength);

  let disk = u16(tail, at + 4);
  let directoryDisk = u16(tail, at + 6);
  let entriesOnDisk = u16(tail, at + 8);
  let entryCount = u16(tail, at + 10);
  let directorySize = u32(tail, at + 12);
  let directoryOffset = u32(tail, at + 16);
  let directoryEnd = endPos;
  let zip64 = false;

  const locatorPos = endPos - LOCATOR_SIZE;
  const locator = locatorPos >= 0 ? await source.read(locatorPos, LOCATOR_SIZE) : undefined;
  if (locator && hasSignature(locator, 0, LOCATOR_SIGNATURE)) {
    zip64 = true;
    if (u32(locator, 16) > 1) throw multiDisk();
    const record64Pos = await findZip64EndRecord(source, u64(locator, 8), locatorPos);
    const record64 = await source.read(record64Pos, EOCD64_SIZE);
    disk = u32(record64, 16);
    directoryDisk = u32(record64, 20);
    entriesOnDisk = u64(record64, 24);
    entryCount = u64(record64, 32);
    directorySize = u64(record64, 40);
    directoryOffset = u64(record64, 48);
    directoryEnd = record64Pos;
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) throw multiDisk();

  if (directoryOffset + directorySize > directoryEnd) {
    if (directoryOffset + directorySize > size) throw new TruncatedError();
    throw new CorruptError('the zip central directory overlaps the end record.');
  }
  if (directorySize > MAX_CENTRAL_DIRECTORY) {
    throw new UnsupportedError(`the zip central directory is ${directorySize} bytes, more than the limit of ${MAX_CENTRAL_DIRECTORY} bytes this reader reads at once.`);
  }
  // Every entry takes at least 46 bytes: a count the directory cannot hold is a lie, not a loop bound.
  if (entryCount * MIN_CENTRAL_ENTRY_SIZE > directorySize) {
    throw new CorruptError(`the zip end record lists ${entryCount} entries, more than its ${directorySize}-byte central directory can hold (46 bytes or more each).`);
  }
  const prefix = directoryEnd - directorySize - directoryOffset;
  return { entryCount, directoryOffset: directoryOffset + prefix, directorySize, prefix, comment, zip64 };
}

/**
 * Index of the EOCD in `tail`, or -1. Scanning backwards, prefer a record whose comment ends
 * exactly at the end of the file (a comment may itself contain the signature), else the last one
 * that fits.
 */
function findEndRecord(tail: Uint8Array): number {
  let fallback = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail[i] !== 0x50 || !hasSignature(tail, i, EOCD_SIGNATURE)) continue;
    if (i + EOCD_SIZE + u16(tail, i + 20) === tail.length) return i;
    if (fallback < 0) fallback = i;
  }
  return fallback;
}

/** Where the ZIP64 end record is: at the offset the locator gives, else right before the locator. */
async function findZip64EndRecord(source: ByteSource, stated: number, locatorPos: number): Promise<number> {
  for (const pos of [stated, locatorPos - EOCD64_SIZE]) {
    if (pos < 0 || pos + EOCD64_SIZE > locatorPos) continue;
    if (hasSignature(await source.read(pos, 4), 0, EOCD64_SIGNATURE)) return pos;
  }
  throw new CorruptError('the zip has a ZIP64 locator but no ZIP64 end record where it points.');
}

function multiDisk(): UnsupportedError {
  return new UnsupportedError('the zip archive is split across several files (a multi-disk archive).');
}
