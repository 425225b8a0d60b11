// Zip archives made and taken apart in memory for the fuzz suite: where each field of the end
// records and of every central directory entry is, so a case can make exactly one of them lie,
// and a writer for archives with deflated records (a zip bomb) that torch never writes.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipField {
  /** e.g. `entry 3 compressedSize`, `eocd entryCount`, `zip64 directoryOffset`. */
  name: string;
  offset: number;
  width: 2 | 4 | 8;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Every field of the end records and the central directory that says a size, offset, count or length. */
export function zipFields(bytes: Uint8Array): ZipField[] {
  const v = view(bytes);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const fields: ZipField[] = [
    { name: 'eocd entriesOnDisk', offset: eocd + 8, width: 2 },
    { name: 'eocd entryCount', offset: eocd + 10, width: 2 },
    { name: 'eocd directorySize', offset: eocd + 12, width: 4 },
    { name: 'eocd directoryOffset', offset: eocd + 16, width: 4 },
    { name: 'eocd commentLength', offset: eocd + 20, width: 2 },
  ];
  let directoryOffset = v.getUint32(eocd + 16, true);
  let count = v.getUint16(eocd + 10, true);
  const locator = eocd - 20;
  if (locator >= 0 && v.getUint32(locator, true) === 0x07064b50) {
    fields.push({ name: 'locator zip64Offset', offset: locator + 8, width: 8 });
    const z = Number(v.getBigUint64(locator + 8, true));
    if (z + 56 <= bytes.length && v.getUint32(z, true) === 0x06064b50) {
      fields.push(
        { name: 'zip64 entriesOnDisk', offset: z + 24, width: 8 },
        { name: 'zip64 entryCount', offset: z + 32, width: 8 },
        { name: 'zip64 directorySize', offset: z + 40, width: 8 },
        { name: 'zip64 directoryOffset', offset: z + 48, width: 8 },
      );
      directoryOffset = Number(v.getBigUint64(z + 48, true));
      count = Number(v.getBigUint64(z + 32, true));
    }
  }
  let p = directoryOffset;
  for (let i = 0; i < count && p + 46 <= bytes.length && v.getUint32(p, true) === 0x02014b50; i++) {
    fields.push(
      { name: `entry ${i} flags`, offset: p + 8, width: 2 },
      { name: `entry ${i} method`, offset: p + 10, width: 2 },
      { name: `entry ${i} crc32`, offset: p + 16, width: 4 },
      { name: `entry ${i} compressedSize`, offset: p + 20, width: 4 },
      { name: `entry ${i} uncompressedSize`, offset: p + 24, width: 4 },
      { name: `entry ${i} nameLength`, offset: p + 28, width: 2 },
      { name: `entry ${i} extraLength`, offset: p + 30, width: 2 },
      { name: `entry ${i} localHeaderOffset`, offset: p + 42, width: 4 },
    );
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    // The ZIP64 extra field's values, which a lying writer can set to anything.
    for (let q = p + 46 + nameLength; q + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = v.getUint16(q, true);
      const len = v.getUint16(q + 2, true);
      if (id === 0x0001) for (let k = 0; k + 8 <= len; k += 8) fields.push({ name: `entry ${i} zip64 value ${k / 8}`, offset: q + 4 + k, width: 8 });
      q += 4 + len;
    }
    p += 46 + nameLength + extraLength + v.getUint16(p + 32, true);
  }
  return fields;
}

/** A copy of `bytes` with the field set to `value` (cut to its width). */
export function setField(bytes: Uint8Array, field: ZipField, value: bigint): Uint8Array {
  const out = Uint8Array.from(bytes);
  const v = view(out);
  if (field.width === 2) v.setUint16(field.offset, Number(BigInt.asUintN(16, value)), true);
  else if (field.width === 4) v.setUint32(field.offset, Number(BigInt.asUintN(32, value)), true);
  else v.setBigUint64(field.offset, BigInt.asUintN(64, value), true);
  return out;
}

export interface ZipRecord {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** The uncompressed size the directory claims, when it lies. */
  claimedSize?: number;
  /** `data` deflated already, and its CRC-32: for a case made many times. */
  deflated?: { bytes: Uint8Array; crc: number };
}

/** A zip of `records` with ZIP64 end records (as torch writes them); deflated where asked. */
export function buildZip(records: readonly ZipRecord[]): Uint8Array {
  const names = records.map((r) => new TextEncoder().encode(r.name));
  const bodies = records.map((r) => r.deflated?.bytes ?? (r.deflate ? deflateRawSync(r.data) : r.data));
  let total = 98;
  records.forEach((_, i) => (total += 30 + 46 + 2 * names[i].length + bodies[i].length));
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const offsets: number[] = [];
  let p = 0;
  // The fields local header and directory entry share, from the version needed on.
  const common = (at: number, i: number): void => {
    const r = records[i];
    v.setUint16(at, 20, true);
    v.setUint16(at + 4, r.deflate || r.deflated ? 8 : 0, true);
    v.setUint16(at + 8, 0x21, true); // DOS date 1980-01-01
    v.setUint32(at + 10, r.deflated?.crc ?? crc32(r.data) >>> 0, true);
    v.setUint32(at + 14, bodies[i].length, true);
    v.setUint32(at + 18, r.claimedSize ?? r.data.length, true);
    v.setUint16(at + 22, names[i].length, true);
  };
  records.forEach((_, i) => {
    offsets.push(p);
    v.setUint32(p, 0x04034b50, true);
    common(p + 4, i);
    out.set(names[i], p + 30);
    p += 30 + names[i].length;
    out.set(bodies[i], p);
    p += bodies[i].length;
  });
  const directoryOffset = p;
  records.forEach((_, i) => {
    v.setUint32(p, 0x02014b50, true);
    v.setUint16(p + 4, 20, true);
    common(p + 6, i);
    v.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  const directorySize = p - directoryOffset;
  const zip64At = p;
  const n = BigInt(records.length);
  v.setUint32(p, 0x06064b50, true);
  v.setBigUint64(p + 4, 44n, true);
  v.setUint16(p + 12, 45, true);
  v.setUint16(p + 14, 45, true);
  v.setBigUint64(p + 24, n, true);
  v.setBigUint64(p + 32, n, true);
  v.setBigUint64(p + 40, BigInt(directorySize), true);
  v.setBigUint64(p + 48, BigInt(directoryOffset), true);
  p += 56;
  v.setUint32(p, 0x07064b50, true);
  v.setBigUint64(p + 8, BigInt(zip64At), true);
  v.setUint32(p + 16, 1, true);
  p += 20;
  v.setUint32(p, 0x06054b50, true);
  v.setUint32(p + 8, 0xffffffff, true);
  v.setUint32(p + 12, 0xffffffff, true);
  v.setUint32(p + 16, 0xffffffff, true);
  return out;
}
