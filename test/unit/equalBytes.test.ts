// The identical-bytes check a comparison runs before any arithmetic (parallel/equalBytes.ts):
// equal ranges are equal wherever they sit in their files, one differing byte anywhere (the
// first, the last, either side of a read step) makes them unequal, every byte of both ranges is
// read once and none outside them (a last step shorter than the others), checks running at once
// each keep their own buffers, a file shorter than its plan fails, the bounds of the storage are
// enforced, and a cancelled check stops.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TruncatedError } from '../../src/core/errors';
import type { ByteSource } from '../../src/core/io/byteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { bytesAllEqual, canCheckEqual } from '../../src/core/parallel/equalBytes';
import type { TensorPlan } from '../../src/core/parallel/tensorPlan';
import { dtypeByName } from '../../src/core/torch/dtypes';

const scratch = mkdtempSync(join(tmpdir(), 'cpm-equal-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const f32 = dtypeByName('float32')!;
const u8 = dtypeByName('uint8')!;
const STEP = 1024 * 1024; // equalBytes.ts's read step
const COUNT = 700_000; // 2.8 MB: two whole read steps and a short one
function plan(path: string, storageStart: number, count = COUNT, stride = 1, dtype = f32): TensorPlan {
  return {
    source: { kind: 'file', path },
    path: 'w',
    storageStart,
    littleEndian: true,
    tensor: { dtype, shape: [count], stride: [stride], storageOffset: 0, storage: { key: '0', dtype, nbytes: count * dtype.itemsize * stride, location: 'cpu' }, requiresGrad: false, parameter: false },
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

for (const at of [0, 5, STEP - 1, STEP, 2 * STEP + 5, body.length - 1]) {
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

/** A file source that records the ranges it was asked for. */
async function recording(path: string): Promise<{ source: ByteSource; ranges: Array<[number, number]> }> {
  const file = await FileByteSource.open(path);
  const ranges: Array<[number, number]> = [];
  const source: ByteSource = {
    size: file.size,
    read: (offset, length) => file.read(offset, length),
    readInto: (offset, target) => (ranges.push([offset, offset + target.length]), file.readInto(offset, target)),
    readIntoSync: (offset, target) => (ranges.push([offset, offset + target.length]), file.readIntoSync(offset, target)),
    close: () => file.close(),
  };
  return { source, ranges };
}

/** The ranges, sorted and joined where they touch; overlaps are kept apart so they show. */
function joined(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [from, to] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && last[1] === from) last[1] = to;
    else out.push([from, to]);
  }
  return out;
}

for (const bytes of [5, STEP, STEP + 3, 2 * STEP + 12]) {
  test(`a range of ${bytes} bytes is read once, whole, and nothing outside it`, async () => {
    const data = body.subarray(0, bytes);
    const [fa, fb] = [file(`ra${bytes}`, 64, data), file(`rb${bytes}`, 1000, data)];
    const a = await recording(fa);
    const b = await recording(fb);
    try {
      const pa = plan(fa, 64, bytes, 1, u8);
      const pb = plan(fb, 1000, bytes, 1, u8);
      let progress = 0;
      assert.equal(await bytesAllEqual(pa, a.source, pb, b.source, (n) => (progress += n)), true);
      assert.equal(progress, 2 * bytes);
      assert.deepEqual(joined(a.ranges), [[64, 64 + bytes]]);
      assert.deepEqual(joined(b.ranges), [[1000, 1000 + bytes]]);
      assert.equal(a.ranges.length, Math.ceil(bytes / STEP));
      assert.equal(b.ranges.length, Math.ceil(bytes / STEP));
    } finally {
      await Promise.all([a.source.close(), b.source.close()]);
    }
  });
}

test('checks running at once each get their own answer', async () => {
  // Different contents per pair: a check that read into another's buffers would see its bytes.
  const bodies = [0, 1, 2, 3].map((k) => new Uint8Array(COUNT * 4).map((_, i) => (i * (31 + 2 * k) + k) & 255));
  const differs = bodies[1]!.slice();
  differs[body.length - 1] ^= 1;
  const pairs: Array<[Uint8Array, Uint8Array]> = [
    [bodies[0]!, bodies[0]!],
    [bodies[1]!, differs],
    [bodies[2]!, bodies[2]!],
    [bodies[3]!, bodies[3]!],
  ];
  const plans = pairs.map(([x, y], i) => [plan(file(`ca${i}`, 64, x), 64), plan(file(`cb${i}`, 64, y), 64)] as const);
  for (let round = 0; round < 3; round++) {
    const answers = await Promise.all(plans.map(([pa, pb]) => check(pa, pb).then((r) => r.equal)));
    assert.deepEqual(answers, [true, false, true, true]);
  }
});

test('a plan longer than its files fails with TruncatedError, and the check after it is right', async () => {
  const a = file('short_a', 64, body);
  const b = file('short_b', 64, body.subarray(0, STEP + 100));
  // The plan says the whole body, B's file stops past its first step (and its 13 trailing bytes).
  await assert.rejects(check(plan(a, 64), plan(b, 64)), TruncatedError);
  await assert.rejects(check(plan(b, 64), plan(a, 64)), TruncatedError);
  assert.equal((await check(plan(a, 64), plan(file('short_c', 64, body), 64))).equal, true);
});

test('ranges of unequal lengths are not for this check', async () => {
  const a = file('a', 64, body);
  const sa = await FileByteSource.open(a);
  try {
    assert.equal(canCheckEqual(plan(a, 64), sa, plan(a, 64, COUNT - 1), sa), false);
  } finally {
    await sa.close();
  }
});
