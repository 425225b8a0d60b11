// The zip writer's ZIP64 side without writing 4 GiB: records placed past the 4 GiB mark in a
// sparse file need ZIP64 offsets in the central directory and the ZIP64 end records. Both our
// reader and Python's zipfile (CRC-32s included) must read them back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSink } from '../../src/core/export/fileSink';
import { ZipWriter } from '../../src/core/export/zipWriter';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { ZipArchive } from '../../src/core/zip/zipArchive';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

test('records past 4 GiB get ZIP64 offsets; both readers find every record with its CRC-32, 64-byte aligned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zip64-'));
  try {
    const path = join(dir, 'far.zip');
    const handle = await open(path, 'w');
    const sink = new FileSink(handle);
    sink.position = 2 ** 32 + 12345; // a sparse hole before: the records' offsets need 64 bits
    const zip = new ZipWriter(sink);
    const payload = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    await zip.addRecord('far/data/0', payload.length, chunksOf(payload, 65_536));
    await zip.addRecord('far/version', 2, new TextEncoder().encode('3\n'));
    await zip.finish();
    await handle.close();

    const source = await FileByteSource.open(path);
    try {
      const archive = await ZipArchive.open(source);
      assert.deepEqual(archive.entries.map((e) => [e.name, e.uncompressedSize]), [['far/data/0', payload.length], ['far/version', 2]]);
      const data = await archive.readEntry(archive.entries[0]!);
      assert.deepEqual(data, payload);
    } finally {
      await source.close();
    }
    const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, zipfile, struct
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
f = open(sys.argv[1], 'rb')
out = []
for i in z.infolist():
    f.seek(i.header_offset); h = f.read(30)
    n, e = struct.unpack('<HH', h[26:30])
    out.append([i.filename, i.header_offset > 2**32, (i.header_offset + 30 + n + e) % 64])
print(out)
`, path], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), "[['far/data/0', True, 0], ['far/version', True, 0]]");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
