// Views for reads sit at their file offset's place within a 4 KiB page (io/congruentBuffer.ts),
// wherever in the file the read starts, regions of one buffer stay apart, and no view is longer
// than a region.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CongruentBuffer } from '../../src/core/io/congruentBuffer';

test('a view lies at its file offset modulo 4 KiB, with the length asked for', () => {
  const buffer = new CongruentBuffer(1024 * 1024);
  for (const offset of [0, 8, 16, 4088, 4096, 3 * 4096 + 17, 2 ** 40 + 64]) {
    const view = buffer.viewFor(offset, 1024 * 1024);
    assert.deepEqual([view.byteOffset, view.length], [offset % 4096, 1024 * 1024]);
  }
});

test('views of a region share its bytes, regions do not overlap, and a view longer than a region is refused', () => {
  const buffer = new CongruentBuffer(10, 2);
  buffer.viewFor(5, 3).set([1, 2, 3]);
  assert.deepEqual([...buffer.viewFor(4101, 3)], [1, 2, 3]);
  const second = buffer.viewFor(4095, 10, 1);
  assert.deepEqual([second.byteOffset % 4096, second.length], [4095, 10]);
  second.fill(9);
  assert.deepEqual([...buffer.viewFor(5, 3)], [1, 2, 3]);
  assert.throws(() => buffer.viewFor(0, 11), RangeError);
  assert.throws(() => buffer.viewFor(0, 1, 2), RangeError);
});
