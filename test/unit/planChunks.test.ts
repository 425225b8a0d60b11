// The compare kernel's reader (parallel/planChunks.ts): the bytes of every tensor of a torch
// fixture through reused buffers are the bytes tensorChunks reads, while the consumer reads one
// chunk ahead and keeps the previous one; reading into a buffer past the end of a file fails.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { TruncatedError } from '../../src/core/errors';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { prefetch } from '../../src/core/io/prefetch';
import { planChunks } from '../../src/core/parallel/planChunks';
import { tensorChunks } from '../../src/core/torch/tensorBytes';
import { distinctTensors, walkTensors } from '../../src/core/torch/tensorWalk';

const fixture = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'compare', 'dtypes', 'a.pt');

async function concat(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let previous: Uint8Array | undefined;
  let copyOfPrevious: Buffer | undefined;
  for await (const chunk of prefetch(chunks)) {
    // The chunk before must still hold its bytes (a consumer pairing two streams keeps it).
    if (previous) assert.ok(Buffer.from(previous).equals(copyOfPrevious!));
    parts.push(Buffer.from(chunk));
    previous = chunk;
    copyOfPrevious = Buffer.from(chunk);
  }
  return Buffer.concat(parts);
}

test('planChunks gives every tensor\'s bytes as tensorChunks does, strided views included', async () => {
  const source = await FileByteSource.open(fixture);
  try {
    const ckpt = await openCheckpoint(source);
    const tensors = distinctTensors(walkTensors(ckpt.root));
    assert.ok(tensors.some((t) => t.payload.stride.length === 2 && t.payload.stride[0] === 1), 'a transposed view');
    for (const t of tensors) {
      const plan = { source: { kind: 'file' as const, path: fixture }, path: '', storageStart: (await ckpt.storageStart(t.payload.storage))!, littleEndian: true, tensor: t.payload };
      assert.ok((await concat(planChunks(plan, source))).equals(await concat(tensorChunks(ckpt, t.payload))));
    }
  } finally {
    await source.close();
  }
});

test('readInto past the end of the file is a TruncatedError', async () => {
  const source = await FileByteSource.open(fixture);
  try {
    await assert.rejects(source.readInto(source.size - 4, new Uint8Array(8)), TruncatedError);
    const head = new Uint8Array(4);
    await source.readInto(0, head);
    assert.deepEqual([...head], [...(await source.read(0, 4))]);
  } finally {
    await source.close();
  }
});
