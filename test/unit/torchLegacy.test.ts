import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { loadTorchLegacy } from '../../src/core/torch/torchLegacy';

const header = [
  ...[0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e], // magic number
  ...[0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e], // protocol version 1001
  ...[0x80, 0x02, 0x7d, 0x2e], // sys info {}
];

test('a legacy pickle that never ends is refused after a bounded read, not read whole', async () => {
  // The object pickle: a list of None that goes on for 8 MiB without a STOP.
  const bytes = new Uint8Array(header.length + 3 + 8 * 1024 * 1024).fill(0x4e);
  bytes.set([...header, 0x80, 0x02, 0x5d], 0);
  let largestRead = 0;
  const inner = new BufferByteSource(bytes);
  const source = {
    size: inner.size,
    read: (offset: number, length: number) => {
      largestRead = Math.max(largestRead, length);
      return inner.read(offset, length);
    },
    close: () => inner.close(),
  };
  await assert.rejects(loadTorchLegacy(source, { maxPickleWindow: 2 * 1024 * 1024 }), UnsupportedError);
  assert.equal(largestRead, 2 * 1024 * 1024);
});

test('a legacy file with no tensors and a sorted key list loads', async () => {
  const object = [0x80, 0x02, 0x7d, 0x2e]; // {}
  const keys = [0x80, 0x02, 0x5d, 0x2e]; // []
  const ckpt = await loadTorchLegacy(new BufferByteSource(Uint8Array.from([...header, ...object, ...keys])));
  assert.equal(ckpt.format, 'torch-legacy');
  assert.deepEqual(ckpt.globals, []);
});
