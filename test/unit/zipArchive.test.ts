import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CorruptError, NotCheckpointError, TruncatedError, UnsupportedError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { looksLikeZip, ZipArchive } from '../../src/core/zip/zipArchive';
import type { ZipEntry } from '../../src/core/zip/zipArchive';
import { buildZip } from '../fuzz/zipBytes';

// Fixtures come from test/fixtures/zip/make_zip_fixtures.py (Python's zipfile and torch.save);
// the expected sizes, offsets and CRCs below are what Python's zipfile reports for them.
const FIXTURES = join(__dirname, '../../../test/fixtures/zip');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const open = (bytes: Uint8Array): Promise<ZipArchive> => ZipArchive.open(new BufferByteSource(bytes));
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const LOREM = 'Checkpoints are gigabytes and untrusted input. '.repeat(200);
const BYTES256 = Uint8Array.from({ length: 256 }, (_, i) => i);

function entryOf(archive: ZipArchive, name: string): ZipEntry {
  const e = archive.entry(name);
  assert.ok(e, `no entry ${name}`);
  return e;
}

// --- byte surgery for the bad-input cases (Python-written zips: no ZIP64, EOCD at the very end)

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function endRecordOffset(bytes: Uint8Array): number {
  for (let i = bytes.length - 22; i >= 0; i--) if (view(bytes).getUint32(i, true) === 0x06054b50) return i;
  throw new Error('no EOCD');
}
/** Offsets of each central directory record. */
function centralRecords(bytes: Uint8Array): number[] {
  const dv = view(bytes);
  const eocd = endRecordOffset(bytes);
  const out: number[] = [];
  let p = dv.getUint32(eocd + 16, true);
  for (let i = 0; i < dv.getUint16(eocd + 10, true); i++) {
    out.push(p);
    p += 46 + dv.getUint16(p + 28, true) + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
  }
  return out;
}
function patched(name: string, edit: (bytes: Uint8Array, dv: DataView) => void): Uint8Array {
  const bytes = fixture(name).slice();
  edit(bytes, view(bytes));
  return bytes;
}

// --- well-formed archives

test('stored zip: central directory entries, whole and partial reads', async () => {
  const zip = await open(fixture('stored.zip'));
  assert.deepEqual(zip.entries, [
    { name: 'a.txt', method: 0, flags: 0, compressedSize: 6, uncompressedSize: 6, crc32: 909783072, localHeaderOffset: 0 },
    { name: 'dir/b.bin', method: 0, flags: 0, compressedSize: 256, uncompressedSize: 256, crc32: 688229491, localHeaderOffset: 41 },
    { name: 'empty', method: 0, flags: 0, compressedSize: 0, uncompressedSize: 0, crc32: 0, localHeaderOffset: 336 },
  ]);
  assert.equal(text(await zip.readEntry(entryOf(zip, 'a.txt'))), 'hello\n');
  assert.deepEqual(await zip.readEntry(entryOf(zip, 'dir/b.bin')), BYTES256);
  assert.deepEqual(await zip.readEntry(entryOf(zip, 'empty')), new Uint8Array(0));
  assert.equal(await zip.dataOffset(entryOf(zip, 'dir/b.bin')), 41 + 30 + 9);
  assert.deepEqual(await zip.readStored(entryOf(zip, 'dir/b.bin'), 10, 5), Uint8Array.of(10, 11, 12, 13, 14));
  assert.deepEqual(await zip.readStored(entryOf(zip, 'dir/b.bin'), 256, 0), new Uint8Array(0));
  assert.equal(zip.entry('missing'), undefined);
  assert.equal(zip.rootFolder, undefined);
});

test('deflated zip: inflates and checks the CRC; stored entries beside it read as is', async () => {
  const zip = await open(fixture('deflated.zip'));
  const lorem = entryOf(zip, 'lorem.txt');
  assert.deepEqual(lorem, { name: 'lorem.txt', method: 8, flags: 0, compressedSize: 91, uncompressedSize: 9400, crc32: 4063894221, localHeaderOffset: 0 });
  assert.equal(text(await zip.readEntry(lorem)), LOREM);
  assert.deepEqual(await zip.readEntry(entryOf(zip, 'raw.bin')), BYTES256);
  await assert.rejects(zip.readStored(lorem, 0, 1), UnsupportedError);
});

test('an empty deflated entry stored as zero bytes reads as empty', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint16(centralRecords(b)[2] + 10, 8, true));
  const zip = await open(bytes);
  assert.equal(entryOf(zip, 'empty').method, 8);
  assert.deepEqual(await zip.readEntry(entryOf(zip, 'empty')), new Uint8Array(0));
});

test('force_zip64 local headers: data starts after the ZIP64 extra', async () => {
  const zip = await open(fixture('zip64_local.zip'));
  assert.deepEqual(
    zip.entries.map((e) => [e.name, e.localHeaderOffset, e.compressedSize]),
    [['s.bin', 0, 256], ['d.txt', 311, 91]],
  );
  assert.equal(await zip.dataOffset(entryOf(zip, 's.bin')), 30 + 5 + 20);
  assert.deepEqual(await zip.readEntry(entryOf(zip, 's.bin')), BYTES256);
  assert.equal(text(await zip.readEntry(entryOf(zip, 'd.txt'))), LOREM);
});

test('data descriptors (written to an unseekable stream): sizes and CRC come from the central directory', async () => {
  const zip = await open(fixture('descriptors.zip'));
  assert.deepEqual(zip.entries, [
    { name: 'd.txt', method: 8, flags: 8, compressedSize: 91, uncompressedSize: 9400, crc32: 4063894221, localHeaderOffset: 0 },
    { name: 's.bin', method: 0, flags: 8, compressedSize: 256, uncompressedSize: 256, crc32: 688229491, localHeaderOffset: 142 },
  ]);
  assert.equal(text(await zip.readEntry(zip.entries[0])), LOREM);
  assert.deepEqual(await zip.readEntry(zip.entries[1]), BYTES256);
});

test('an archive comment is skipped, even one that holds a fake end-record signature', async () => {
  const zip = await open(fixture('commented.zip'));
  assert.equal(text(zip.comment), 'written by make_zip_fixtures.py');
  assert.equal(text(await zip.readEntry(entryOf(zip, 'a.txt'))), 'hello\n');

  const original = fixture('commented.zip');
  const eocd = endRecordOffset(original);
  const comment = new Uint8Array([...new TextEncoder().encode('x PK'), 5, 6, ...new Uint8Array(30).fill(0x41)]);
  const bytes = new Uint8Array(eocd + 22 + comment.length);
  bytes.set(original.subarray(0, eocd + 20));
  view(bytes).setUint16(eocd + 20, comment.length, true);
  bytes.set(comment, eocd + 22);
  const tricky = await open(bytes);
  assert.deepEqual(tricky.comment, comment);
  assert.equal(text(await tricky.readEntry(entryOf(tricky, 'a.txt'))), 'hello\n');
});

test('names: UTF-8 when flag bit 11 is set, code page 437 otherwise', async () => {
  const zip = await open(fixture('names.zip'));
  assert.deepEqual(
    zip.entries.map((e) => [e.name, e.flags]),
    [['données/é.txt', 0x800], ['日本語.bin', 0x800], ['café_Ω.txt', 0]],
  );
  assert.equal(text(await zip.readEntry(entryOf(zip, 'café_Ω.txt'))), 'cp437\n');
});

test('an empty zip has no entries', async () => {
  const bytes = fixture('empty.zip');
  assert.equal(looksLikeZip(bytes), true);
  assert.deepEqual((await open(bytes)).entries, []);
});

test('ZIP64 central records: saturated sizes and offset come from the extra field; a prefix shifts offsets', async () => {
  const zip = await open(fixture('zip64_central.zip'));
  assert.deepEqual(zip.entries, [
    { name: 'big/data.bin', method: 0, flags: 0, compressedSize: 256, uncompressedSize: 256, crc32: 688229491, localHeaderOffset: 10 },
  ]);
  assert.equal(zip.rootFolder, 'big');
  assert.deepEqual(await zip.readEntry(zip.entries[0]), BYTES256);
  assert.deepEqual(await zip.readStored(zip.entries[0], 250, 6), Uint8Array.of(250, 251, 252, 253, 254, 255));
});

test('a file written by torch.save: ZIP64 end records, descriptors, 64-byte aligned stored records', async () => {
  const source = await FileByteSource.open(join(FIXTURES, 'torch_small.pt'));
  try {
    const zip = await ZipArchive.open(source);
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.method, e.flags, e.uncompressedSize, e.crc32, e.localHeaderOffset]),
      [
        ['torch_small/data.pkl', 0, 0x808, 162, 3041477925, 0],
        ['torch_small/data/0', 0, 0x808, 24, 2447872023, 242],
        ['torch_small/version', 0, 0x808, 2, 1432854225, 360],
      ],
    );
    assert.equal(zip.rootFolder, 'torch_small');
    const storage = entryOf(zip, 'torch_small/data/0');
    assert.equal((await zip.dataOffset(storage)) % 64, 0);
    const floats = new Float32Array((await zip.readStored(storage, 0, 24)).slice().buffer);
    assert.deepEqual([...floats], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...new Float32Array((await zip.readStored(storage, 8, 8)).slice().buffer)], [2, 3]);
    assert.equal(text(await zip.readEntry(entryOf(zip, 'torch_small/version'))), '3\n');
    const pickle = await zip.readEntry(entryOf(zip, 'torch_small/data.pkl'));
    assert.deepEqual([pickle[0], pickle[1], pickle[pickle.length - 1]], [0x80, 2, 0x2e]); // PROTO 2 ... STOP
  } finally {
    await source.close();
  }
});

test('looksLikeZip knows a local header and an empty zip end record, nothing else', () => {
  const cases: Array<[number[], boolean]> = [
    [[0x50, 0x4b, 3, 4, 0], true],
    [[0x50, 0x4b, 5, 6], true],
    [[0x50, 0x4b, 1, 2], false],
    [[0x50, 0x4b, 3], false],
    [[0x80, 2, 0x8a, 0x0a], false],
    [[], false],
  ];
  for (const [head, expected] of cases) assert.equal(looksLikeZip(Uint8Array.from(head)), expected, JSON.stringify(head));
});

// --- bad input: every case a typed error with a sentence

test('not a zip: NotCheckpointError', async () => {
  for (const bytes of [new Uint8Array(0), new TextEncoder().encode('hello'), new Uint8Array(70000).fill(7)]) {
    await assert.rejects(open(bytes), (err: unknown) => err instanceof NotCheckpointError && /not a zip archive/.test(err.message));
  }
});

test('a zip cut short (end record lost) is truncated, not "not a zip"', async () => {
  const bytes = fixture('torch_small.pt');
  for (const length of [4, 300, bytes.length - 1]) {
    await assert.rejects(open(bytes.subarray(0, length)), TruncatedError);
  }
});

test('a central directory past the end of the file is truncated', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint32(endRecordOffset(b) + 16, b.length + 100, true));
  await assert.rejects(open(bytes), TruncatedError);
});

test('an entry whose data lies past the end of the file is truncated', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint32(centralRecords(b)[1] + 42, 0xfffffff0, true));
  await assert.rejects(open(bytes), TruncatedError);
});

test('a CRC mismatch is corruption', async () => {
  const bytes = patched('stored.zip', (b) => (b[30 + 5] ^= 0xff)); // first byte of a.txt's data
  const zip = await open(bytes);
  await assert.rejects(zip.readEntry(entryOf(zip, 'a.txt')), (err: unknown) => err instanceof CorruptError && /CRC-32/.test(err.message));
});

test('deflate data that does not inflate is corruption', async () => {
  const bytes = patched('deflated.zip', (b) => (b[30 + 9] = 0xff)); // reserved block type
  const zip = await open(bytes);
  await assert.rejects(zip.readEntry(entryOf(zip, 'lorem.txt')), (err: unknown) => err instanceof CorruptError && /does not inflate/.test(err.message));
});

test('a deflated entry that inflates past its declared size is stopped (zip bomb)', async () => {
  const bytes = patched('deflated.zip', (b, dv) => dv.setUint32(centralRecords(b)[0] + 24, 100, true));
  const zip = await open(bytes);
  await assert.rejects(zip.readEntry(entryOf(zip, 'lorem.txt')), CorruptError);
});

test('bad signatures are corruption: central record and local header', async () => {
  const central = patched('stored.zip', (b) => (b[centralRecords(b)[1]] = 0));
  await assert.rejects(open(central), (err: unknown) => err instanceof CorruptError && /bad signature/.test(err.message));
  const local = patched('stored.zip', (b) => (b[41] = 0));
  const zip = await open(local);
  await assert.rejects(zip.readEntry(entryOf(zip, 'dir/b.bin')), (err: unknown) => err instanceof CorruptError && /local header/.test(err.message));
});

test('a local header naming another file is corruption', async () => {
  const bytes = patched('stored.zip', (b) => (b[41 + 30] = 'X'.charCodeAt(0)));
  const zip = await open(bytes);
  await assert.rejects(zip.readEntry(entryOf(zip, 'dir/b.bin')), CorruptError);
});

test('unknown compression methods and encryption are unsupported, and only when read', async () => {
  const bzip = patched('stored.zip', (b, dv) => dv.setUint16(centralRecords(b)[0] + 10, 12, true));
  const zip = await open(bzip);
  await assert.rejects(zip.readEntry(entryOf(zip, 'a.txt')), (err: unknown) => err instanceof UnsupportedError && /method 12/.test(err.message));
  assert.deepEqual(await zip.readEntry(entryOf(zip, 'dir/b.bin')), BYTES256);

  const encrypted = patched('stored.zip', (b, dv) => dv.setUint16(centralRecords(b)[0] + 8, 1, true));
  const zip2 = await open(encrypted);
  await assert.rejects(zip2.readEntry(entryOf(zip2, 'a.txt')), (err: unknown) => err instanceof UnsupportedError && /encrypted/.test(err.message));
  await assert.rejects(zip2.readStored(entryOf(zip2, 'a.txt'), 0, 1), UnsupportedError);
});

test('entries larger than maxBytes are refused before reading', async () => {
  const zip = await open(fixture('deflated.zip'));
  await assert.rejects(zip.readEntry(entryOf(zip, 'lorem.txt'), 1000), (err: unknown) => err instanceof UnsupportedError && /MiB/.test(err.message));
});

test('readStored outside the entry is corruption (a storage larger than its record)', async () => {
  const zip = await open(fixture('stored.zip'));
  await assert.rejects(zip.readStored(entryOf(zip, 'dir/b.bin'), 250, 7), CorruptError);
});

test('hostile directory: a ZIP64 entry count of 2^32 fails at once', async () => {
  const bytes = fixture('torch_small.pt').slice();
  const dv = view(bytes);
  const eocd = endRecordOffset(bytes);
  const eocd64 = Number(dv.getBigUint64(eocd - 20 + 8, true));
  dv.setBigUint64(eocd64 + 24, 2n ** 32n, true);
  dv.setBigUint64(eocd64 + 32, 2n ** 32n, true);
  const started = performance.now();
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /4294967296 entries/.test(err.message));
  assert.ok(performance.now() - started < 1000);
});

test('a directory as big as the file pays for is read whole: 300,002 entries (a 100,000-tensor model saved with its optimizer)', async () => {
  // Every entry takes its 46 bytes of the file, so no fixed cap on the count: this one was refused
  // by the 250,000-entry cap there once was.
  const records = Array.from({ length: 300_002 }, (_, i) => ({ name: `archive/data/${i}`, data: new Uint8Array(i % 7) }));
  const archive = await open(buildZip(records));
  assert.equal(archive.entries.length, 300_002);
  assert.equal(archive.entry('archive/data/300001')?.uncompressedSize, 300_001 % 7);
  assert.equal(archive.rootFolder, 'archive');
});

test('a count the directory cannot hold is refused before parsing, naming the 46 bytes each entry takes', async () => {
  // A ZIP64 archive claiming 300,000 entries in a directory of 300,000 × 45 bytes.
  const count = 300_000;
  const directorySize = count * 45;
  const bytes = new Uint8Array(directorySize + 56 + 20 + 22);
  const dv = view(bytes);
  const eocd64 = directorySize;
  dv.setUint32(eocd64, 0x06064b50, true);
  dv.setBigUint64(eocd64 + 24, BigInt(count), true);
  dv.setBigUint64(eocd64 + 32, BigInt(count), true);
  dv.setBigUint64(eocd64 + 40, BigInt(directorySize), true);
  dv.setUint32(eocd64 + 56, 0x07064b50, true);
  dv.setBigUint64(eocd64 + 56 + 8, BigInt(eocd64), true);
  dv.setUint32(eocd64 + 56 + 16, 1, true);
  dv.setUint32(eocd64 + 76, 0x06054b50, true);
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /300000 entries.*46 bytes/.test(err.message));
});

test('a deflated record claiming more than deflate can make (1032 to 1) is refused before it is inflated', async () => {
  const zeros = new Uint8Array(1 << 20);
  const archive = await open(buildZip([{ name: 'a/data.pkl', data: zeros, deflate: true, claimedSize: 0xfffffffe }]));
  await assert.rejects(archive.readEntry(archive.entries[0], 0xffffffff), (err: unknown) => err instanceof CorruptError && /1032 to 1/.test(err.message));
  // The same bytes, honestly described, inflate.
  const honest = await open(buildZip([{ name: 'a/data.pkl', data: zeros, deflate: true }]));
  assert.equal((await honest.readEntry(honest.entries[0])).length, zeros.length);
});

test('hostile directory: a 16-bit count of 0xFFFF in a tiny directory is corruption', async () => {
  const bytes = patched('stored.zip', (b, dv) => {
    const eocd = endRecordOffset(b);
    dv.setUint16(eocd + 8, 0xffff, true);
    dv.setUint16(eocd + 10, 0xffff, true);
  });
  await assert.rejects(open(bytes), CorruptError);
});

test('hostile directory: two entries over the same bytes are corruption', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint32(centralRecords(b)[2] + 42, 41, true));
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /overlap/.test(err.message));
});

test('hostile directory: two entries with one name are corruption', async () => {
  // "empty" and "a.txt" have the same length: rename the third central record.
  const bytes = patched('stored.zip', (b) => b.set(new TextEncoder().encode('a.txt'), centralRecords(b)[2] + 46));
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /two entries named "a.txt"/.test(err.message));
});

test('hostile directory: an entry whose data runs into the central directory is corruption', async () => {
  const bytes = patched('stored.zip', (b, dv) => {
    const last = centralRecords(b)[2];
    dv.setUint32(last + 20, 20, true);
    dv.setUint32(last + 24, 20, true);
  });
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /runs into the central directory/.test(err.message));
});

test('hostile directory: a name running past the directory is corruption', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint16(centralRecords(b)[2] + 28, 60000, true));
  await assert.rejects(open(bytes), CorruptError);
});

test('a saturated size without its ZIP64 extra is corruption', async () => {
  const bytes = patched('stored.zip', (b, dv) => dv.setUint32(centralRecords(b)[0] + 24, 0xffffffff, true));
  await assert.rejects(open(bytes), (err: unknown) => err instanceof CorruptError && /ZIP64/.test(err.message));
});

test('crc32 of the fixtures matches zlib (sanity for the expected values above)', () => {
  assert.equal(crc32(BYTES256), 688229491);
  assert.equal(crc32(LOREM), 4063894221);
});
