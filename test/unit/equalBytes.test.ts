// The identical-bytes check a comparison runs before any arithmetic (parallel/equalBytes.ts):
// equal ranges are equal wherever they sit in their files, one differing byte anywhere (the
// first, the last, past a read step) makes them unequal, the bounds of the storage are enforced,
// and a cancelled check stops.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { bytesAllEqual, canCheckEqual } from '../../src/core/parallel/equalBytes';
import type { TensorPlan } from '../../src/core/parallel/tensorPlan';
import { dtypeByName } from '../../src/core/torch/dtypes';

const scratch = mkdtempSync(join(tmpdir(), 'cpm-equal-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const f32 = dtypeByName('float32')!;
const COUNT = 300_000; // 1.2 MB: several read steps
function plan(path: string, storageStart: number, count = COUNT, stride = 1): TensorPlan {
  return {
    source: { kind: 'file', path },
    path: 'w',
    storageStart,
    littleEndian: true,
    tensor: { dtype: f32, shape: [count], stride: [stride], storageOffset: 0, storage: { key: '0', dtype: f32, nbytes: count * 4 * stride, location: 'cpu' }, requiresGrad: false, parameter: false },
  };
}

function file(name: string, lead: number, body: Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, Buffer.concat([Buffer.alloc(lead, 7), body, Buffer.alloc(13, 9)]));
  return path;
}

async function check(pa: TensorPlan, pb: TensorPlan, signal?: AbortSignal): Promise<{ equal: boolean; progress: number }> {
  const [sa, sb] = await Promise.all([FileByteSource.open(pa.source.kind === 'file' ? pa.source.path : ''), FileByteSource.open(pb.source.kind === 'file' ? pb.source.path : '')]);
  try {
    assert.equal(canCheckEqual(pa, sa, pb, sb), true);
    let progress = 0;
    const equal = await bytesAllEqual(pa, sa, pb, sb, (n) => (progress += n), signal);
    return { equal, progress };
  } finally {
    await Promise.all([sa.close(), sb.close()]);
  }
}

const body = new Uint8Array(COUNT * 4).map((_, i) => (i * 31) & 255);

test('equal bytes at different offsets are equal, and all their bytes are counted', async () => {
  const a = file('a', 64, body);
  const b = file('b', 1000, body);
  assert.deepEqual(await check(plan(a, 64), plan(b, 1000)), { equal: true, progress: 2 * body.length });
});

for (const at of [0, 256 * 1024 + 5, body.length - 1]) {
  test(`one byte that differs at ${at} makes them unequal`, async () => {
    const other = body.slice();
    other[at] ^= 1;
    const { equal } = await check(plan(file('a', 64, body), 64), plan(file(`b${at}`, 64, other), 64));
    assert.equal(equal, false);
  });
}

test('a strided tensor is not for this check; a tensor past its storage is refused', async () => {
  const a = file('a', 64, body);
  const sa = await FileByteSource.open(a);
  try {
    assert.equal(canCheckEqual(plan(a, 64, 1000, 2), sa, plan(a, 64, 1000, 2), sa), false);
    const bad = plan(a, 64);
    bad.tensor = { ...bad.tensor, storage: { ...bad.tensor.storage, nbytes: 16 } };
    await assert.rejects(bytesAllEqual(bad, sa, bad, sa, () => undefined), /past the end of its storage/);
  } finally {
    await sa.close();
  }
});

test('a cancelled check stops', async () => {
  const big = new Uint8Array(40 * 1024 * 1024);
  const a = file('big_a', 64, big);
  const b = file('big_b', 64, big);
  const stop = new AbortController();
  stop.abort(new Error('stopped by the test'));
  await assert.rejects(check(plan(a, 64, big.length / 4), plan(b, 64, big.length / 4), stop.signal), /stopped by the test/);
});
