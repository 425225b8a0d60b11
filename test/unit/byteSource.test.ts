import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open as openFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TruncatedError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';

const GiB = 1024 * 1024 * 1024;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'byteSource-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isClosedError = (err: unknown): boolean => err instanceof Error && /closed/.test(err.message);

test('BufferByteSource reads exact ranges and refuses ranges past the end', async () => {
  const source = new BufferByteSource(Uint8Array.of(1, 2, 3, 4, 5));
  assert.equal(source.size, 5);
  assert.deepEqual(await source.read(1, 3), Uint8Array.of(2, 3, 4));
  assert.deepEqual(await source.read(5, 0), new Uint8Array(0));
  await assert.rejects(source.read(3, 3), TruncatedError);
  await assert.rejects(source.read(-1, 1), RangeError);
  await assert.rejects(source.read(0.5, 1), RangeError);
  await source.close();
  await source.close();
  await assert.rejects(source.read(0, 1), isClosedError);
});

test('FileByteSource reads exact ranges of a file and its size from fstat', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'f.bin');
    await writeFile(path, Uint8Array.from({ length: 1000 }, (_, i) => i % 251));
    const source = await FileByteSource.open(path);
    assert.equal(source.size, 1000);
    assert.deepEqual(await source.read(0, 4), Uint8Array.of(0, 1, 2, 3));
    assert.deepEqual(await source.read(995, 5), Uint8Array.of(242, 243, 244, 245, 246));
    assert.deepEqual(await source.read(1000, 0), new Uint8Array(0));
    const whole = await source.read(0, 1000);
    assert.equal(whole.length, 1000);
    assert.equal(whole[502], 502 % 251);
    await assert.rejects(source.read(999, 2), TruncatedError);
    await assert.rejects(source.read(2000, 1), TruncatedError);
    await source.close();
    await source.close(); // idempotent
    await assert.rejects(source.read(0, 1), isClosedError);
  });
});

test('FileByteSource: a file that shrinks while open reads as truncated', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'f.bin');
    await writeFile(path, new Uint8Array(4096).fill(9));
    const source = await FileByteSource.open(path);
    try {
      await truncate(path, 100);
      await assert.rejects(source.read(0, 4096), TruncatedError);
    } finally {
      await source.close();
    }
  });
});

test('FileByteSource.open: missing files and folders fail with their system codes', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(FileByteSource.open(join(dir, 'nope')), { code: 'ENOENT' });
    await assert.rejects(FileByteSource.open(dir), { code: 'EISDIR' });
  });
});

test('FileByteSource reads past 2 GiB and 2^31 in a sparse 3 GiB file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'sparse.bin');
    execFileSync('truncate', ['-s', '3G', path]);
    const marks: Array<[number, number[]]> = [
      [2 ** 31 - 2, [1, 2, 3, 4]], // across the signed 32-bit boundary
      [2.5 * GiB, [5, 6, 7]],
      [3 * GiB - 2, [8, 9]], // the very end
    ];
    const handle = await openFile(path, 'r+');
    for (const [offset, bytes] of marks) await handle.write(Uint8Array.from(bytes), 0, bytes.length, offset);
    await handle.close();

    const source = await FileByteSource.open(path);
    try {
      assert.equal(source.size, 3 * GiB);
      for (const [offset, bytes] of marks) assert.deepEqual(await source.read(offset, bytes.length), Uint8Array.from(bytes));
      assert.deepEqual(await source.read(2 ** 31 - 4, 8), Uint8Array.of(0, 0, 1, 2, 3, 4, 0, 0));
      await assert.rejects(source.read(3 * GiB - 1, 2), TruncatedError);
    } finally {
      await source.close();
    }
  });
});
