// What both of the probe's designs share: reading the zip directory and the pickle, and the pass
// that finds which memo entries the pickle reads back.
import * as fs from 'node:fs';

/** `length` bytes at `position`. */
export function readAt(fd, length, position) {
  const buffer = Buffer.allocUnsafe(length);
  if (fs.readSync(fd, buffer, 0, length, position) !== length) throw new Error('short read');
  return buffer;
}

/** The zip directory as columns: names, local header offsets, stored sizes. */
export function readDirectory(fd, size) {
  const tail = readAt(fd, Math.min(size, 65557), size - Math.min(size, 65557));
  let eocd = tail.length - 22;
  while (eocd >= 0 && tail.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('no end of central directory');
  const count = tail.readUInt16LE(eocd + 10);
  const dir = readAt(fd, tail.readUInt32LE(eocd + 12), tail.readUInt32LE(eocd + 16));
  const names = new Array(count);
  const offsets = new Float64Array(count);
  const sizes = new Float64Array(count);
  for (let i = 0, p = 0; i < count; i++) {
    if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error('bad directory entry');
    sizes[i] = dir.readUInt32LE(p + 20);
    offsets[i] = dir.readUInt32LE(p + 42);
    const n = dir.readUInt16LE(p + 28);
    names[i] = dir.latin1Slice(p + 46, p + 46 + n);
    p += 46 + n + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
  }
  return { names, offsets, sizes };
}

/** Which memo indices a BINGET or LONG_BINGET reads (arguments skipped by their lengths). */
export function memoReads(data) {
  const reads = new Uint8Array(1 << 20);
  for (let q = 0; q < data.length; ) {
    const op = data[q++];
    if (op === 0x68) reads[data[q++]] = 1;
    else if (op === 0x6a) {
      reads[data.readUInt32LE(q)] = 1;
      q += 4;
    }
    else if (op === 0x80 || op === 0x71 || op === 0x4b) q += 1;
    else if (op === 0x4d) q += 2;
    else if (op === 0x72 || op === 0x4a) q += 4;
    else if (op === 0x47) q += 8;
    else if (op === 0x58) q += 4 + data.readUInt32LE(q);
    else if (op === 0x63) q = data.indexOf(10, data.indexOf(10, q) + 1) + 1;
  }
  return reads;
}

/** The bytes of `data.pkl` (stored, as torch writes it) and the directory's size, after one read of the directory. */
export function readPickle(file) {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const zip = readDirectory(fd, size);
  const root = zip.names[0].slice(0, zip.names[0].indexOf('/') + 1);
  const pkl = zip.names.indexOf(`${root}data.pkl`);
  const header = readAt(fd, 30, zip.offsets[pkl]);
  const data = readAt(fd, zip.sizes[pkl], zip.offsets[pkl] + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
  fs.closeSync(fd);
  return { size, zip, data };
}
