// A lazy, random-access zip reader for checkpoints of many gigabytes: opening reads only the end
// records and the central directory; entry data is read on demand through the byte source.
// PyTorch's writer leaves zero sizes and CRCs in local headers (data descriptors follow), so the
// central directory is the one source of truth; local headers are read only to find where data starts.

import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { CorruptError, DamagedRecordError, TruncatedError, UnsupportedError } from '../errors';
import { checkRange, hasSignature, u16 } from '../io/binary';
import type { ByteSource } from '../io/byteSource';
import { parseCentralDirectory } from './centralDirectory';
import type { ZipEntry } from './centralDirectory';
import { readEndRecords } from './zipEndRecords';

export type { ZipEntry } from './centralDirectory';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/**
 * Deflate's best ratio: 258 bytes per 2-bit code, about 1032 to 1 (zlib's technical notes). A
 * directory entry that claims more output from its compressed bytes is a lie (a zip bomb's
 * header), refused before anything is inflated; the slack covers a tiny stream's fixed overhead.
 */
export const MAX_DEFLATE_RATIO = 1032;
const DEFLATE_SLACK = 1024;

const inflateRawAsync = promisify(inflateRaw);

export class ZipArchive {
  /** Name → index in `entries` (and in the name offsets). */
  private readonly byName = new Map<string, number>();
  private readonly dataOffsets = new Map<ZipEntry, Promise<number>>();

  private constructor(
    private readonly source: ByteSource,
    readonly entries: readonly ZipEntry[],
    /** The central directory's bytes, and where each entry's name is in them. */
    private readonly directory: Uint8Array,
    private readonly nameStarts: readonly number[],
    private readonly nameLengths: readonly number[],
    /** Where the central directory starts: entry data must end before it. */
    private readonly directoryOffset: number,
    /** The archive comment, as stored. */
    readonly comment: Uint8Array,
  ) {
    entries.forEach((entry, i) => {
      if (this.byName.has(entry.name)) throw new CorruptError(`the zip has two entries named "${entry.name}".`);
      this.byName.set(entry.name, i);
    });
  }

  /** Reads only the end records and the central directory; checks every entry's range against the file. */
  static async open(source: ByteSource): Promise<ZipArchive> {
    const end = await readEndRecords(source);
    const directory = await source.read(end.directoryOffset, end.directorySize);
    const { entries, nameStarts, nameLengths } = parseCentralDirectory(directory, end.entryCount, end.prefix);
    checkEntryRanges(entries, nameLengths, end.directoryOffset, source.size);
    return new ZipArchive(source, entries, directory, nameStarts, nameLengths, end.directoryOffset, end.comment);
  }

  /** The name of `entry` (one of this archive's) as its central directory record stores it. */
  private storedName(entry: ZipEntry): Uint8Array | undefined {
    const i = this.byName.get(entry.name);
    return i === undefined || this.entries[i] !== entry ? undefined : this.directory.subarray(this.nameStarts[i], this.nameStarts[i] + this.nameLengths[i]);
  }

  entry(name: string): ZipEntry | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.entries[i];
  }

  /** The one folder every entry sits in (PyTorch's `archive/` or the file's stem), if there is one. */
  get rootFolder(): string | undefined {
    const first = this.entries[0]?.name;
    const slash = first?.indexOf('/') ?? -1;
    if (slash <= 0) return undefined;
    const root = first.slice(0, slash + 1);
    return this.entries.every((e) => e.name.startsWith(root)) ? root.slice(0, -1) : undefined;
  }

  /** Absolute file offset where the entry's (compressed) data starts; reads the local header once, cached. */
  dataOffset(entry: ZipEntry): Promise<number> {
    let offset = this.dataOffsets.get(entry);
    if (!offset) {
      offset = this.readLocalHeader(entry);
      this.dataOffsets.set(entry, offset);
    }
    return offset;
  }

  /**
   * The whole entry, inflated if deflated, CRC-32 checked. Refuses entries larger than `maxBytes`.
   * Like ByteSource.read, the result may be a view on the source's memory: do not modify it.
   */
  async readEntry(entry: ZipEntry, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
    checkReadable(entry);
    const largest = Math.max(entry.uncompressedSize, entry.compressedSize);
    if (largest > maxBytes) {
      throw new UnsupportedError(
        `the record "${entry.name}" is ${formatMiB(largest)}, more than the ${formatMiB(maxBytes)} this reader loads at once.`,
      );
    }
    if (entry.method === METHOD_DEFLATE && entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + DEFLATE_SLACK) {
      throw new CorruptError(
        `the record "${entry.name}" claims to inflate ${entry.compressedSize} bytes to ${entry.uncompressedSize}, more than deflate's limit of ${MAX_DEFLATE_RATIO} to 1 (a zip bomb).`,
      );
    }
    const raw = await this.source.read(await this.dataOffset(entry), entry.compressedSize);
    const data = entry.method === METHOD_DEFLATE ? await inflate(entry, raw) : raw;
    const actual = crc32(data) >>> 0;
    if (actual !== entry.crc32) throw new DamagedRecordError(entry.name, entry.crc32, actual);
    return data;
  }

  /** `length` bytes from `offset` within a stored (uncompressed) entry; no CRC check (see recordCrc.ts). */
  async readStored(entry: ZipEntry, offset: number, length: number): Promise<Uint8Array> {
    checkRange(offset, length);
    checkReadable(entry);
    if (entry.method !== METHOD_STORED) {
      throw new UnsupportedError(`the record "${entry.name}" is compressed, so its bytes cannot be read piece by piece.`);
    }
    if (offset + length > entry.uncompressedSize) {
      throw new CorruptError(
        `bytes ${offset} to ${offset + length} of the record "${entry.name}" were asked for, but it holds only ${entry.uncompressedSize}.`,
      );
    }
    return this.source.read((await this.dataOffset(entry)) + offset, length);
  }

  private async readLocalHeader(entry: ZipEntry): Promise<number> {
    const expectedName = this.storedName(entry);
    if (!expectedName) throw new Error(`The zip entry "${entry.name}" does not belong to this archive.`);
    const header = await this.source.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE + expectedName.length);
    if (!hasSignature(header, 0, LOCAL_HEADER_SIGNATURE)) {
      throw new CorruptError(`the local header of the record "${entry.name}" has a bad signature.`);
    }
    const nameLength = u16(header, 26);
    const extraLength = u16(header, 28);
    const localName = header.subarray(LOCAL_HEADER_SIZE);
    if (nameLength !== expectedName.length || !localName.every((b, i) => b === expectedName[i])) {
      throw new CorruptError(`the local header of the record "${entry.name}" names a different file.`);
    }
    const start = entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLength + extraLength;
    const end = start + entry.compressedSize;
    if (end > this.source.size) throw new TruncatedError(`The record "${entry.name}"`);
    if (end > this.directoryOffset) {
      throw new CorruptError(`the data of the record "${entry.name}" runs into the central directory.`);
    }
    return start;
  }
}

/** "PK\x03\x04" (a local header) or "PK\x05\x06" (the end record of an empty zip). */
export function looksLikeZip(head: Uint8Array): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
  );
}

/**
 * Every entry's header and data must lie before the central directory and must not overlap
 * another's: a hostile directory cannot send reads past the file or alias one record as another.
 */
function checkEntryRanges(entries: readonly ZipEntry[], nameLengths: readonly number[], directoryOffset: number, size: number): void {
  const ends = new Float64Array(entries.length);
  let sorted = true;
  entries.forEach((entry, i) => {
    const end = entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLengths[i] + entry.compressedSize;
    if (end > size) throw new TruncatedError(`The record "${entry.name}"`);
    if (end > directoryOffset) throw new CorruptError(`the record "${entry.name}" runs into the central directory.`);
    ends[i] = end;
    if (i > 0 && entry.localHeaderOffset < entries[i - 1].localHeaderOffset) sorted = false;
  });
  // Writers list records in file order, so the sort is nearly always skipped (a stable sort of
  // sorted records is the identity, so the first overlap found is the same either way).
  const order = entries.map((_, i) => i);
  if (!sorted) order.sort((a, b) => entries[a].localHeaderOffset - entries[b].localHeaderOffset);
  for (let k = 1; k < order.length; k++) {
    const previous = order[k - 1];
    const current = order[k];
    if (entries[current].localHeaderOffset < ends[previous]) {
      throw new CorruptError(`the records "${entries[previous].name}" and "${entries[current].name}" overlap.`);
    }
  }
}

function checkReadable(entry: ZipEntry): void {
  if (entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
    throw new UnsupportedError(`the record "${entry.name}" is encrypted.`);
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    throw new UnsupportedError(
      `the record "${entry.name}" uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported.`,
    );
  }
  if (entry.method === METHOD_STORED && entry.compressedSize !== entry.uncompressedSize) {
    throw new CorruptError(`the stored record "${entry.name}" has different compressed and uncompressed sizes.`);
  }
}

async function inflate(entry: ZipEntry, raw: Uint8Array): Promise<Uint8Array> {
  // Some writers store an empty deflated file as no bytes at all, which zlib calls a cut stream.
  if (raw.length === 0 && entry.uncompressedSize === 0) return raw;
  let out: Buffer;
  try {
    // The cap makes zlib stop as soon as the output passes the declared size (a zip bomb).
    out = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CorruptError(`the record "${entry.name}" does not inflate (${why}).`);
  }
  if (out.length !== entry.uncompressedSize) {
    throw new CorruptError(
      `the record "${entry.name}" inflates to ${out.length} bytes, not the ${entry.uncompressedSize} its directory entry says.`,
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
