// The verdict on a file from its pickles alone, as the tree's marks and the folder scan get it:
// through the session worker, against what the fixture scripts recorded, reading no tensor bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ByteSource } from '../../src/core/io/byteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { verdictOfSource } from '../../src/core/session/fileVerdict';
import { SessionClient } from '../../src/core/session/sessionClient';
import { ZipArchive } from '../../src/core/zip/zipArchive';

const out = join(__dirname, '..', '..', 'src', 'core');
const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const client = new SessionClient({ script: join(out, 'session', 'sessionWorker.js'), kernelScript: join(out, 'parallel', 'kernelWorker.js'), idleMs: 0, kind: 'process' });
after(() => client.dispose());

interface Expected {
  files: Record<string, { security?: { verdict: string; globals: string[]; calls?: string[] } }>;
}
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Expected;

test('every hostile fixture: the verdict, globals and calls the fixture script recorded, from the worker', async () => {
  const hostile = Object.entries(expected.files).filter(([name]) => name.startsWith('hostile/'));
  assert.ok(hostile.length >= 8);
  for (const [name, entry] of hostile) {
    const got = await client.verdict({ kind: 'file', path: join(fixtures, name) });
    const want = entry.security!;
    assert.equal(got.verdict, want.verdict, name);
    assert.deepEqual([...got.globals].sort(), [...want.globals].sort(), name);
    if (want.calls) assert.deepEqual(got.calls, want.calls, name);
    assert.equal(got.error, undefined, name);
  }
  assert.equal(client.sessions, 0, 'a verdict opens no session');
});

test('a broken file is an error verdict with its code; a broken hostile one keeps its globals', async () => {
  const truncated = await client.verdict({ kind: 'file', path: join(fixtures, 'broken', 'truncated.pt') });
  assert.equal(truncated.error?.code, 'truncated');
  const missing = await client.verdict({ kind: 'file', path: join(fixtures, 'nowhere.pt') });
  assert.equal(missing.error?.message, 'No such file.');
  assert.equal(missing.verdict, 'safe');
});

test('no byte of any tensor record is read', async () => {
  const path = join(fixtures, 'deceptive', 'big_tensors.pt');
  const file = await FileByteSource.open(path);
  const reads: Array<[number, number]> = [];
  const counting: ByteSource = {
    size: file.size,
    read: (offset, length) => {
      reads.push([offset, offset + length]);
      return file.read(offset, length);
    },
    close: () => file.close(),
  };
  try {
    const verdict = await verdictOfSource(counting);
    assert.equal(verdict.verdict, 'safe');
    const archive = await ZipArchive.open(file);
    const records = archive.entries.filter((e) => /\/data\/\d+$/.test(e.name));
    assert.equal(records.length, 2);
    // Telling the format apart reads the first 512 bytes, and finding the end records the last
    // 64 KiB (the longest zip comment), whatever lies there; the rest is directory and pickle.
    const beyondHead = reads.filter(([a, b]) => !(a === 0 && b <= 512) && !(b === file.size && b - a <= 22 + 0xffff));
    for (const record of records) {
      const start = await archive.dataOffset(record);
      const end = start + record.compressedSize;
      const overlapping = beyondHead.filter(([a, b]) => a < end && b > start);
      assert.deepEqual(overlapping, [], `${record.name} [${start}, ${end}) was read`);
    }
    const total = beyondHead.reduce((n, [a, b]) => n + (b - a), 0);
    assert.ok(total < file.size / 20, `${total} of ${file.size} bytes read`);
  } finally {
    await file.close();
  }
});
