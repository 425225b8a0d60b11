// A zip archive written record by record, as torch writes its checkpoints: stored (uncompressed)
// records whose data starts on a 64-byte boundary (padding in an extra field with id `FB`), real
// CRC-32s, ZIP64 fields where a size or an offset needs them, and the ZIP64 end records always.
// A record's data streams through; a CRC-32 not known in advance follows it in a data descriptor.
import { crc32 } from 'node:zlib';
import type { FileSink } from './fileSink';

const ALIGNMENT = 64;
const U32_MAX = 0xffffffff;
/** DOS date 1980-01-01, time 00:00: the archive does not depend on when it was written. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface WrittenRecord {
  name: Uint8Array;
  utf8: boolean;
  descriptor: boolean;
  offset: number;
  size: number;
  crc: number;
}

function le(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(view: DataView, at: number, value: number): void {
  view.setBigUint64(at, BigInt(value), true);
}

export class ZipWriter {
  private readonly records: WrittenRecord[] = [];

  constructor(private readonly sink: FileSink) {}

  /**
   * Appends one stored record of exactly `size` bytes taken from `chunks`. With `knownCrc` (the
   * caller guarantees the bytes have it) the CRC-32 goes into the local header and is not
   * computed again; otherwise it is computed on the way and written after the data, in a data
   * descriptor (flag 0x08), as torch's own writer does. Nothing already written is patched: a
   * page under writeback would stall the write until its I/O completes.
   */
  async addRecord(name: string, size: number, chunks: AsyncIterable<Uint8Array> | Uint8Array, signal?: AbortSignal, knownCrc?: number): Promise<void> {
    const nameBytes = new TextEncoder().encode(name);
    const utf8 = /[^\x20-\x7e]/.test(name);
    const offset = this.sink.position;
    const zip64 = size >= U32_MAX;
    const inline = chunks instanceof Uint8Array ? crc32(chunks) >>> 0 : knownCrc;
    const descriptor = inline === undefined;
    const fixed = 30 + nameBytes.length + (zip64 ? 20 : 0);
    const pad = (ALIGNMENT - ((offset + fixed + 4) % ALIGNMENT)) % ALIGNMENT;
    const header = new Uint8Array(fixed + 4 + pad);
    const v = le(header);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, zip64 ? 45 : 20, true);
    v.setUint16(6, (utf8 ? 0x800 : 0) | (descriptor ? 0x08 : 0), true);
    v.setUint16(8, 0, true); // stored
    v.setUint16(10, 0, true);
    v.setUint16(12, DOS_DATE, true);
    v.setUint32(14, inline ?? 0, true);
    v.setUint32(18, zip64 ? U32_MAX : size, true);
    v.setUint32(22, zip64 ? U32_MAX : size, true);
    v.setUint16(26, nameBytes.length, true);
    v.setUint16(28, header.length - 30 - nameBytes.length, true);
    header.set(nameBytes, 30);
    let at = 30 + nameBytes.length;
    if (zip64) {
      v.setUint16(at, 0x0001, true);
      v.setUint16(at + 2, 16, true);
      u64(v, at + 4, size);
      u64(v, at + 12, size);
      at += 20;
    }
    v.setUint16(at, 0x4246, true); // "FB": torch's padding field
    v.setUint16(at + 2, pad, true);
    await this.sink.write(header);
    let crc = 0;
    let written: number;
    if (chunks instanceof Uint8Array) {
      await this.sink.write(chunks);
      written = chunks.length;
    } else {
      written = await this.sink.pipe(chunks, descriptor ? (c) => (crc = crc32(c, crc)) : undefined, signal);
    }
    if (written !== size) throw new Error(`zip record ${name}: ${written} bytes given where ${size} were announced.`);
    const final = inline ?? crc >>> 0;
    if (descriptor) {
      const d = new Uint8Array(zip64 ? 24 : 16);
      const dv = le(d);
      dv.setUint32(0, 0x08074b50, true);
      dv.setUint32(4, final, true);
      if (zip64) {
        u64(dv, 8, size);
        u64(dv, 16, size);
      } else {
        dv.setUint32(8, size, true);
        dv.setUint32(12, size, true);
      }
      await this.sink.write(d);
    }
    this.records.push({ name: nameBytes, utf8, descriptor, offset, size, crc: final });
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    const start = this.sink.position;
    const parts: Uint8Array[] = [];
    for (const r of this.records) {
      const extras: number[] = [];
      if (r.size >= U32_MAX) extras.push(r.size, r.size);
      if (r.offset >= U32_MAX) extras.push(r.offset);
      const extraLength = extras.length ? 4 + 8 * extras.length : 0;
      const entry = new Uint8Array(46 + r.name.length + extraLength);
      const v = le(entry);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, 45, true);
      v.setUint16(6, extras.length ? 45 : 20, true);
      v.setUint16(8, (r.utf8 ? 0x800 : 0) | (r.descriptor ? 0x08 : 0), true);
      v.setUint16(10, 0, true);
      v.setUint16(12, 0, true);
      v.setUint16(14, DOS_DATE, true);
      v.setUint32(16, r.crc, true);
      v.setUint32(20, r.size >= U32_MAX ? U32_MAX : r.size, true);
      v.setUint32(24, r.size >= U32_MAX ? U32_MAX : r.size, true);
      v.setUint16(28, r.name.length, true);
      v.setUint16(30, extraLength, true);
      v.setUint32(42, r.offset >= U32_MAX ? U32_MAX : r.offset, true);
      entry.set(r.name, 46);
      if (extras.length) {
        const at = 46 + r.name.length;
        v.setUint16(at, 0x0001, true);
        v.setUint16(at + 2, 8 * extras.length, true);
        extras.forEach((x, i) => u64(v, at + 4 + 8 * i, x));
      }
      parts.push(entry);
    }
    const cdSize = parts.reduce((n, p) => n + p.length, 0);
    const end = new Uint8Array(56 + 20 + 22);
    const v = le(end);
    const count = this.records.length;
    // ZIP64 end of central directory record.
    v.setUint32(0, 0x06064b50, true);
    u64(v, 4, 44);
    v.setUint16(12, 45, true);
    v.setUint16(14, 45, true);
    u64(v, 24, count);
    u64(v, 32, count);
    u64(v, 40, cdSize);
    u64(v, 48, start);
    // Its locator.
    v.setUint32(56, 0x07064b50, true);
    u64(v, 64, start + cdSize);
    v.setUint32(72, 1, true);
    // The classic end record, with 0xff… where a value does not fit.
    v.setUint32(76, 0x06054b50, true);
    v.setUint16(84, Math.min(count, 0xffff), true);
    v.setUint16(86, Math.min(count, 0xffff), true);
    v.setUint32(88, Math.min(cdSize, U32_MAX), true);
    v.setUint32(92, Math.min(start, U32_MAX), true);
    await this.sink.write(Buffer.concat([...parts, end]));
  }
}
