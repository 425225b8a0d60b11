// The central directory: one fixed-size record per entry with its name, sizes, CRC and where its
// local header is. Sizes and offsets that do not fit 32 bits live in a ZIP64 extra field.

import { CorruptError } from '../errors';
import { hasSignature, u16, u32, u64 } from '../io/binary';
import { decodeCp437 } from './cp437';
import { MIN_CENTRAL_ENTRY_SIZE } from './zipEndRecords';

const CENTRAL_SIGNATURE = 0x02014b50;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_UTF8 = 0x0800;
const UNKNOWN_32 = 0xffffffff;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** Absolute offset of the local header (any bytes before the archive already added). */
  localHeaderOffset: number;
}

/** The entries, and where each one's name is stored in the directory (to check local headers against). */
export interface CentralDirectory {
  entries: ZipEntry[];
  /** Offset of each entry's name in the directory bytes, and its length, by entry index. */
  nameStarts: number[];
  nameLengths: number[];
}

const utf8 = new TextDecoder('utf-8');

/**
 * An entry name: ASCII (what torch writes, UTF-8 flag or not) in one native call, else UTF-8 when
 * flagged, else code page 437.
 */
function entryName(directory: Buffer, from: number, to: number, flags: number): string {
  let ascii = true;
  for (let i = from; i < to; i++) {
    if (directory[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return directory.toString('latin1', from, to);
  const bytes = directory.subarray(from, to);
  return flags & FLAG_UTF8 ? utf8.decode(bytes) : decodeCp437(bytes);
}

export function parseCentralDirectory(bytes: Uint8Array, count: number, prefix: number): CentralDirectory {
  const directory = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ZipEntry[] = [];
  const nameStarts: number[] = [];
  const nameLengths: number[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + MIN_CENTRAL_ENTRY_SIZE > directory.length) {
      throw new CorruptError(`the zip central directory ends after ${i} of its ${count} entries.`);
    }
    if (!hasSignature(directory, p, CENTRAL_SIGNATURE)) {
      throw new CorruptError(`entry ${i} of the zip central directory has a bad signature.`);
    }
    const flags = u16(directory, p + 8);
    const nameLength = u16(directory, p + 28);
    const extraLength = u16(directory, p + 30);
    const commentLength = u16(directory, p + 32);
    const nameStart = p + MIN_CENTRAL_ENTRY_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > directory.length) {
      throw new CorruptError(`entry ${i} of the zip central directory runs past the directory's end.`);
    }
    const name = entryName(directory, nameStart, extraStart, flags);
    const entry: ZipEntry = {
      name,
      method: u16(directory, p + 10),
      flags,
      compressedSize: u32(directory, p + 20),
      uncompressedSize: u32(directory, p + 24),
      crc32: u32(directory, p + 16),
      localHeaderOffset: u32(directory, p + 42),
    };
    if (entry.uncompressedSize === UNKNOWN_32 || entry.compressedSize === UNKNOWN_32 || entry.localHeaderOffset === UNKNOWN_32) {
      applyZip64Extra(directory.subarray(extraStart, extraStart + extraLength), entry);
    }
    entry.localHeaderOffset += prefix;
    entries.push(entry);
    nameStarts.push(nameStart);
    nameLengths.push(nameLength);
    p = next;
  }
  return { entries, nameStarts, nameLengths };
}

const ZIP64_FIELDS = ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const;

/**
 * The ZIP64 extra field holds, in this order, only the values whose fixed field is saturated
 * (0xFFFFFFFF); they replace those in `entry`. The disk number that may follow is not needed:
 * multi-disk archives are refused.
 */
function applyZip64Extra(extra: Uint8Array, entry: ZipEntry): void {
  const wanted = ZIP64_FIELDS.filter((k) => entry[k] === UNKNOWN_32);
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = u16(extra, q);
    const length = u16(extra, q + 2);
    const body = q + 4;
    if (body + length > extra.length) break;
    if (id === ZIP64_EXTRA_ID) {
      if (length < wanted.length * 8) break;
      wanted.forEach((k, j) => (entry[k] = u64(extra, body + j * 8)));
      return;
    }
    q = body + length;
  }
  throw new CorruptError(`the zip entry "${entry.name}" lacks the ZIP64 sizes its central directory record calls for.`);
}
