import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { tensorChunks } from '../../src/core/torch/tensorBytes';
import { loadTorchLegacy } from '../../src/core/torch/torchLegacy';
import { walkTensors } from '../../src/core/torch/tensorWalk';

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

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const str = (text: string): number[] => [0x58, text.length, 0, 0, 0, ...ascii(text)]; // BINUNICODE

test('a legacy file from a big-endian machine: element counts and tensor bytes are both big-endian', async () => {
  const sysInfo = [0x80, 0x02, 0x7d, ...str('little_endian'), 0x89, 0x73, 0x2e]; // {'little_endian': False}
  // _rebuild_tensor_v2(('storage', ShortStorage, '0', 'cpu', 2), 0, (2,), (1,), False, OrderedDict())
  const object = [
    0x80, 0x02, ...ascii('ctorch._utils\n_rebuild_tensor_v2\n'), 0x28,
    0x28, ...str('storage'), ...ascii('ctorch\nShortStorage\n'), ...str('0'), ...str('cpu'), 0x4b, 2, 0x74, 0x51,
    0x4b, 0, 0x4b, 2, 0x85, 0x4b, 1, 0x85, 0x89, ...ascii('ccollections\nOrderedDict\n'), 0x29, 0x52,
    0x74, 0x52, 0x2e,
  ];
  const keys = [0x80, 0x02, 0x5d, ...str('0'), 0x61, 0x2e]; // ['0']
  const count = [0, 0, 0, 0, 0, 0, 0, 2]; // int64 2, big-endian
  const data = [0x01, 0x02, 0x03, 0x04]; // int16 0x0102, 0x0304, big-endian
  const ckpt = await loadTorchLegacy(new BufferByteSource(Uint8Array.from([...header.slice(0, 21), ...sysInfo, ...object, ...keys, ...count, ...data])));
  assert.equal(ckpt.littleEndian, false);
  const [only] = walkTensors(ckpt.root);
  const bytes: number[] = [];
  for await (const chunk of tensorChunks(ckpt, only.tensor.payload)) bytes.push(...chunk);
  assert.deepEqual(bytes, [0x02, 0x01, 0x04, 0x03]);
});
