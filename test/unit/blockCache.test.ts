import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockCache } from '../../src/core/io/blockCache';
import { FileByteSource } from '../../src/core/io/fileByteSource';

const bytesOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + (i >> 8)) % 256);

/** A cache over `data` that records each fetch. */
function cacheOver(data: Uint8Array, blockSize: number, blocks: number, directBlocks: number) {
  const fetches: Array<[number, number]> = [];
  const cache = new BlockCache(data.length, { blockSize, cacheBytes: blocks * blockSize, directBlocks }, async (from, to) => {
    fetches.push([from, to]);
    await new Promise((resolve) => setImmediate(resolve));
    return data.slice(from, to);
  });
  return { cache, fetches };
}

test('BlockCache gives the bytes of any range, whatever is cached or pushed out, reads running at once included', async () => {
  const data = bytesOf(10_000);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 700 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: data.length - 1 }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 30 }),
      async (blockSize, blocks, reads) => {
        const { cache } = cacheOver(data, blockSize, blocks, 3);
        const ranges = reads.map(([offset, length]) => [offset, Math.min(length, data.length - offset)] as const);
        const got = await Promise.all(ranges.map(([offset, length]) => cache.read(offset, length)));
        ranges.forEach(([offset, length], i) => assert.deepEqual(got[i], data.subarray(offset, offset + length)));
      },
    ),
    { numRuns: 300 },
  );
});

test('BlockCache reads small neighbours a block at a time, sends big reads straight through, and hands out copies', async () => {
  const data = bytesOf(64 * 1024);
  const { cache, fetches } = cacheOver(data, 4096, 4, 3);
  // 1,000 reads of 60 bytes in order: one fetch per block they touch, not one per read.
  for (let i = 0; i < 1000; i++) await cache.read(i * 60, 60);
  const touched = new Set(Array.from({ length: 1000 }, (_, i) => [Math.floor((i * 60) / 4096), Math.floor((i * 60 + 59) / 4096)]).flat()).size;
  assert.equal(fetches.length, touched);
  assert.ok(fetches.every(([from, to]) => from % 4096 === 0 && to - from <= 2 * 4096));
  fetches.length = 0;
  // Three blocks or more: fetched as asked, nothing kept.
  assert.deepEqual(await cache.read(100, 9000), data.subarray(100, 9100));
  assert.deepEqual(fetches, [[100, 9100]]);
  // A copy: writing to what a read gave changes no later read.
  const a = await cache.read(20, 10);
  a.fill(0);
  assert.deepEqual(await cache.read(20, 10), data.subarray(20, 30));
});

test('BlockCache keeps at most its budget, the least recently used going first', async () => {
  const data = bytesOf(16 * 1024);
  const { cache, fetches } = cacheOver(data, 1024, 2, 3);
  await cache.read(0, 1); // block 0
  await cache.read(1024, 1); // block 1
  await cache.read(0, 1); // block 0 again: used last now
  await cache.read(2048, 1); // block 2 pushes out block 1
  fetches.length = 0;
  await cache.read(0, 1);
  assert.equal(fetches.length, 0);
  await cache.read(1024, 1);
  assert.deepEqual(fetches, [[1024, 2048]]);
});

test('FileByteSource serves small reads from blocks and closes with them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blockCache-'));
  try {
    const path = join(dir, 'f.bin');
    const data = bytesOf(3 * 1024 * 1024 + 17);
    await writeFile(path, data);
    const source = await FileByteSource.open(path);
    for (const [offset, length] of [[0, 1], [262_143, 2], [1_000_000, 70_000], [data.length - 5, 5], [5, 2_000_000]] as const) {
      assert.deepEqual(await source.read(offset, length), data.subarray(offset, offset + length));
    }
    await source.close();
    await assert.rejects(source.read(0, 1), /closed/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
