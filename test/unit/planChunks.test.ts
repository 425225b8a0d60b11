// The compare kernel's reader (parallel/planChunks.ts): the bytes of every tensor of a torch
// fixture through reused buffers are the bytes tensorChunks reads, while the consumer reads one
// chunk ahead and keeps the previous one; the kernel's rings with A's equal prefix read again;
// reading into a buffer past the end of a file fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { TruncatedError } from '../../src/core/errors';
import type { ByteSource } from '../../src/core/io/byteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { openSource } from '../../src/core/io/sourceSpec';
import { compareKernel } from '../../src/core/parallel/kernels';
import type { TensorPlan } from '../../src/core/parallel/tensorPlan';
import { diffStats } from '../../src/core/stats/diffMoments';
import { dtypeByName } from '../../src/core/torch/dtypes';
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

test('the compare kernel reading through its rings: an equal leading chunk read again gives what summing everything gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-chunks-'));
  try {
    // 9 MiB of float32 in 2 MiB chunks: the first three equal on both sides (more than the ring
    // can hold besides the chunks in use), the rest nudged.
    const n = (9 * 1024 * 1024) / 4;
    const equal = (6.5 * 1024 * 1024) / 4;
    const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const b = Float32Array.from(a, (v, i) => (i < equal ? v : v + 1e-3 * Math.cos(i)));
    writeFileSync(join(dir, 'a.bin'), new Uint8Array(a.buffer));
    writeFileSync(join(dir, 'b.bin'), new Uint8Array(b.buffer));
    const dtype = dtypeByName('float32')!;
    const plan = (name: string) => ({
      source: { kind: 'file' as const, path: join(dir, name) },
      path: name,
      storageStart: 0,
      littleEndian: true,
      tensor: { dtype, shape: [n], stride: [1], storageOffset: 0, storage: { key: '0', dtype, nbytes: n * 4, location: 'cpu' }, requiresGrad: false, parameter: false },
    });
    const sources = new Map<string, Promise<ByteSource>>();
    const open = (p: TensorPlan) => {
      if (!sources.has(p.path)) sources.set(p.path, openSource(p.source));
      return sources.get(p.path)!;
    };
    const [skipped, summed] = await compareKernel([{ a: plan('a.bin'), b: plan('b.bin') }, { a: plan('a.bin'), b: plan('b.bin'), values: true }], open);
    assert.ok(!skipped!.identical && 'diff' in skipped! && !summed!.identical && 'diff' in summed!);
    assert.deepEqual(diffStats(skipped.diff), diffStats(summed.diff));
    assert.equal(skipped.diff.n, n);
    for (const s of sources.values()) await (await s).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
