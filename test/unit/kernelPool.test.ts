// The kernel workers: real worker_threads running the compiled kernelWorker.js, fed plans built
// from fixtures, checked against torch's hashes and against the same kernels run in place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import type { SourceSpec } from '../../src/core/io/sourceSpec';
import { openSource, shareBytes } from '../../src/core/io/sourceSpec';
import { KernelPool } from '../../src/core/parallel/kernelPool';
import { momentsKernel } from '../../src/core/parallel/kernels';
import type { TensorPlan } from '../../src/core/parallel/tensorPlan';
import { splitPlan } from '../../src/core/parallel/tensorPlan';
import { mergeMoments, emptyMoments } from '../../src/core/stats/moments';
import { dtypeByName } from '../../src/core/torch/dtypes';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { distinctTensors, walkTensors } from '../../src/core/torch/tensorWalk';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });
after(() => pool.dispose());

async function plansOf(rel: string): Promise<{ plans: TensorPlan[] }> {
  const spec: SourceSpec = { kind: 'file', path: join(fixtures, rel) };
  const source = await FileByteSource.open(spec.path);
  try {
    const ckpt = await openCheckpoint(source);
    const occurrences = walkTensors(ckpt.root);
    const plans: TensorPlan[] = [];
    for (const t of distinctTensors(occurrences)) {
      const start = await ckpt.storageStart(t.payload.storage);
      assert.notEqual(start, undefined);
      plans.push({ source: spec, path: occurrences.find((o) => o.tensor === t)!.path, storageStart: start!, littleEndian: ckpt.littleEndian, tensor: t.payload });
    }
    return { plans };
  } finally {
    await source.close();
  }
}

const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { files: Record<string, { tensors?: { path: string; sha256: string }[] }> };

for (const rel of ['formats/views.pt', 'formats/dtypes.pt', 'formats/legacy.pt', 'formats/bigendian.pt', 'formats/safetensors/model.safetensors']) {
  test(`workers hash ${rel} as torch does`, async () => {
    const { plans } = await plansOf(rel);
    const hashes = await pool.run('sha256', { plans });
    const want = new Map(expected.files[rel]!.tensors!.map((t) => [t.path, t.sha256]));
    plans.forEach((p, i) => assert.deepEqual(hashes[i], { sha256: want.get(p.path) }, p.path));
  });
}

function floatPlan(values: Float32Array): TensorPlan {
  const bytes = shareBytes(new Uint8Array(values.buffer));
  const dtype = dtypeByName('float32')!;
  return {
    source: { kind: 'memory', name: 'synthetic', bytes },
    path: 'x',
    storageStart: 0,
    littleEndian: true,
    tensor: { dtype, shape: [values.length], stride: [1], storageOffset: 0, storage: { key: '0', dtype, nbytes: bytes.length, location: 'cpu' }, requiresGrad: false, parameter: false },
  };
}

test('moments of the pieces of a split tensor, merged, equal the moments of the whole', async () => {
  const values = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i) * 3 + (i % 7));
  values[5] = NaN;
  values[99] = Infinity;
  const plan = floatPlan(values);
  const pieces = splitPlan(plan, 2, 1024);
  assert.equal(pieces.length, 2);
  const parts = await Promise.all(pieces.map((p) => pool.run('moments', { plan: p })));
  const merged = parts.reduce((m, p) => mergeMoments(m, p), emptyMoments());
  const whole = await momentsKernel(plan, (p) => openSource(p.source));
  assert.equal(merged.n, whole.n);
  assert.equal(merged.nan, 1);
  assert.equal(merged.posinf, 1);
  assert.deepEqual([merged.min, merged.max], [whole.min, whole.max]);
  assert.ok(Math.abs(merged.mean - whole.mean) < 1e-12);
  assert.ok(Math.abs(merged.m2 - whole.m2) / whole.m2 < 1e-12);
});

test('progress arrives from the worker, and a cancelled task rejects as aborted', async () => {
  const plan = floatPlan(new Float32Array(16 * 1024 * 1024));
  let reported = 0;
  const controller = new AbortController();
  const task = pool.run('sha256', { plans: [plan, plan, plan, plan] }, {
    signal: controller.signal,
    onProgress: (bytes) => {
      reported = bytes;
      controller.abort();
    },
  });
  await assert.rejects(task, (err: Error) => err.name === 'AbortError');
  assert.ok(reported > 0);
  // The pool still works after a cancellation.
  const [hash] = await pool.run('sha256', { plans: [floatPlan(Float32Array.of(1))] });
  assert.match((hash as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
});

test('tasks run one after another under one signal leave no listener on it', async () => {
  const controller = new AbortController();
  for (let i = 0; i < 12; i++) await pool.run('crc32', { plans: [floatPlan(Float32Array.of(i))] }, { signal: controller.signal });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('tasks queued under one signal share one listener on it, and a cancel rejects every one still queued', async () => {
  const controller = new AbortController();
  const big = floatPlan(new Float32Array(4 * 1024 * 1024));
  const tasks = Array.from({ length: 16 }, (_, i) => pool.run('crc32', { plans: [i < pool.size ? big : floatPlan(Float32Array.of(i))] }, { signal: controller.signal }));
  // One task per worker runs (its request listens to the signal); the others wait in the queue.
  assert.ok(getEventListeners(controller.signal, 'abort').length <= pool.size + 1);
  controller.abort();
  const outcomes = await Promise.allSettled(tasks);
  for (const o of outcomes.slice(pool.size)) assert.equal(o.status === 'rejected' && (o.reason as Error).name, 'AbortError');
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  // Under a new signal, the pool runs again.
  const [crc] = await pool.run('crc32', { plans: [floatPlan(Float32Array.of(1))] }, { signal: new AbortController().signal });
  assert.equal(typeof crc, 'number');
});

test('a task under a signal already aborted is refused at once, not after a wait in the queue', async () => {
  const settled: string[] = [];
  const busy = Array.from({ length: pool.size }, () => pool.run('crc32', { plans: [floatPlan(new Float32Array(4 * 1024 * 1024))] }).then(() => settled.push('busy')));
  const aborted = AbortSignal.abort();
  const refused = pool.run('crc32', { plans: [floatPlan(Float32Array.of(1))] }, { signal: aborted }).catch((err: Error) => settled.push(err.name));
  await Promise.all([...busy, refused]);
  assert.equal(settled[0], 'AbortError');
  assert.equal(getEventListeners(aborted, 'abort').length, 0);
});

test('dispose() right after a task settles still settles in a process with nothing else to do', () => {
  const out = join(__dirname, '..', '..', 'src', 'core');
  // A CLI's shape: the last task's result, then the pool disposed, then the output.
  const script = `
    const { KernelPool } = require(${JSON.stringify(join(out, 'parallel', 'kernelPool.js'))});
    const { shareBytes } = require(${JSON.stringify(join(out, 'io', 'sourceSpec.js'))});
    const { dtypeByName } = require(${JSON.stringify(join(out, 'torch', 'dtypes.js'))});
    const bytes = shareBytes(new Uint8Array(Float32Array.of(1, 2).buffer));
    const dtype = dtypeByName('float32');
    const plan = { source: { kind: 'memory', name: 'x', bytes }, path: 'x', storageStart: 0, littleEndian: true,
      tensor: { dtype, shape: [2], stride: [1], storageOffset: 0, storage: { key: '0', dtype, nbytes: 8, location: 'cpu' }, requiresGrad: false, parameter: false } };
    (async () => {
      const pool = new KernelPool({ size: 1, script: ${JSON.stringify(join(out, 'parallel', 'kernelWorker.js'))} });
      const [crc] = await pool.run('crc32', { plans: [plan] });
      await pool.dispose();
      console.log('disposed after crc ' + crc);
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^disposed after crc \d+$/m);
});

test('a task on a file that is gone fails with the file system code, and the pool goes on', async () => {
  const plan: TensorPlan = { ...floatPlan(Float32Array.of(1)), source: { kind: 'file', path: join(fixtures, 'no-such-file.pt') } };
  await assert.rejects(pool.run('sha256', { plans: [plan] }), (err: { code?: string }) => err.code === 'ENOENT');
  const [hash] = await pool.run('sha256', { plans: [floatPlan(Float32Array.of(2))] });
  assert.match((hash as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
});

test('a plan that reads its whole record checks the CRC-32 on the same bytes, and reports a mismatch as that plan\'s outcome', async () => {
  const good = floatPlan(Float32Array.of(1, 2, 3));
  const bytes = new Uint8Array(good.source.kind === 'memory' ? good.source.bytes : []);
  const { crc32 } = await import('node:zlib');
  const right = crc32(bytes) >>> 0;
  const [ok, bad] = await pool.run('sha256', {
    plans: [
      { ...good, crc: { record: 'archive/data/0', crc32: right } },
      { ...good, crc: { record: 'archive/data/0', crc32: (right ^ 1) >>> 0 } },
    ],
  });
  assert.ok('sha256' in ok!);
  assert.deepEqual(bad, { damaged: { record: 'archive/data/0', storedCrc: (right ^ 1) >>> 0, computedCrc: right } });
});

test('the NaN/Inf kernel counts each plan in one pass', async () => {
  const [counts] = await pool.run('nonFinite', { plans: [floatPlan(Float32Array.of(NaN, 1, Infinity, -Infinity, -Infinity))] });
  assert.deepEqual(counts, { nan: 1, posinf: 1, neginf: 2 });
});
