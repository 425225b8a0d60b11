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

export interface CentralEntry {
  entry: ZipEntry;
  /** The name as stored, to check the local header against. */
  nameBytes: Uint8Array;
}

const utf8 = new TextDecoder('utf-8');

export function parseCentralDirectory(directory: Uint8Array, count: number, prefix: number): CentralEntry[] {
  const out: CentralEntry[] = [];
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
    const nameBytes = directory.subarray(nameStart, extraStart);
    const name = flags & FLAG_UTF8 ? utf8.decode(nameBytes) : decodeCp437(nameBytes);
    const fixed = {
      uncompressedSize: u32(directory, p + 24),
      compressedSize: u32(directory, p + 20),
      localHeaderOffset: u32(directory, p + 42),
    };
    const sizes = applyZip64Extra(directory.subarray(extraStart, extraStart + extraLength), fixed, name);
    out.push({
      entry: {
        name,
        method: u16(directory, p + 10),
        flags,
        compressedSize: sizes.compressedSize,
        uncompressedSize: sizes.uncompressedSize,
        crc32: u32(directory, p + 16),
        localHeaderOffset: sizes.localHeaderOffset + prefix,
      },
      nameBytes,
    });
    p = next;
  }
  return out;
}

type EntrySizes = { uncompressedSize: number; compressedSize: number; localHeaderOffset: number };

/**
 * The ZIP64 extra field holds, in this order, only the values whose fixed field is saturated
 * (0xFFFFFFFF). The disk number that may follow is not needed: multi-disk archives are refused.
 */
function applyZip64Extra(extra: Uint8Array, fixed: EntrySizes, name: string): EntrySizes {
  const wanted = (['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const).filter((k) => fixed[k] === UNKNOWN_32);
  if (wanted.length === 0) return fixed;
  const out = { ...fixed };
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = u16(extra, q);
    const length = u16(extra, q + 2);
    const body = q + 4;
    if (body + length > extra.length) break;
    if (id === ZIP64_EXTRA_ID) {
      if (length < wanted.length * 8) break;
      wanted.forEach((k, j) => (out[k] = u64(extra, body + j * 8)));
      return out;
    }
    q = body + length;
  }
  throw new CorruptError(`the zip entry "${name}" lacks the ZIP64 sizes its central directory record calls for.`);
}
