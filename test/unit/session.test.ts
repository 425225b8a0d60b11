// The checkpoint session: parsed once, answering the report, hashes, statistics and the NaN/Inf
// scan, in place and through real kernel workers; checked against torch's values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DamagedRecordError } from '../../src/core/errors';
import { shareBytes } from '../../src/core/io/sourceSpec';
import { KernelPool } from '../../src/core/parallel/kernelPool';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { compareSessions } from '../../src/core/session/sessionCompare';
import { assertStatsMatch, expectedStats, statsDir } from './support/statsExpected';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { files: Record<string, { tensors?: Array<{ path: string; sha256: string }> }> };
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });
after(() => pool.dispose());

const file = (rel: string) => ({ kind: 'file' as const, path: join(fixtures, rel) });

for (const [label, options] of [
  ['in place', {}],
  ['in the kernel workers', { pool, inPlaceBytes: 0 }],
] as const) {
  test(`a session's statistics match torch for every dtype (${label})`, async () => {
    const session = await CheckpointSession.open({ kind: 'file', path: join(statsDir, 'dtypes.pt') }, options);
    try {
      for (const [path, want] of Object.entries(expectedStats.files['dtypes.pt']!)) assertStatsMatch(await session.stats(path), want, path);
    } finally {
      await session.close();
    }
  });

  test(`a session's hashes match torch's (${label})`, async () => {
    for (const rel of ['formats/views.pt', 'formats/dtypes.pt', 'formats/legacy.pt', 'formats/safetensors/model.safetensors']) {
      const session = await CheckpointSession.open(file(rel), options);
      try {
        const report = await session.summaryWithHashes();
        const want = new Map(expected.files[rel]!.tensors!.map((t) => [t.path, t.sha256]));
        for (const t of report.tensors) assert.equal(t.sha256, want.get(t.path), `${rel} ${t.path}`);
        // Asked again, the same answer without reading again.
        assert.equal(await session.summaryWithHashes(), report);
      } finally {
        await session.close();
      }
    }
  });

  test(`hashing finds a damaged record and names its tensors (${label})`, async () => {
    const session = await CheckpointSession.open(file('broken/damaged_tensor.pt'), options);
    try {
      await assert.rejects(session.summaryWithHashes(), (err: unknown) => err instanceof DamagedRecordError && err.tensors.length > 0);
    } finally {
      await session.close();
    }
  });

  test(`the NaN/Inf scan lists the tensors that have any (${label})`, async () => {
    const session = await CheckpointSession.open({ kind: 'file', path: join(statsDir, 'dtypes.pt') }, options);
    try {
      const { scanned, found } = await session.scanNonFinite();
      const want = Object.entries(expectedStats.files['dtypes.pt']!).filter(([, s]) => s.nan + s.posinf + s.neginf > 0);
      // Tied paths name one tensor once, under its first path.
      assert.ok(want.length > 0);
      assert.deepEqual(
        found.map((r) => r.path).sort(),
        want.map(([p]) => p).filter((p) => session.tensors().some((t) => t.path === p)).sort(),
      );
      for (const r of found) {
        const w = expectedStats.files['dtypes.pt']![r.path]!;
        assert.deepEqual([r.nan, r.posinf, r.neginf, r.count], [w.nan, w.posinf, w.neginf, w.count], r.path);
      }
      assert.ok(scanned > found.length);
    } finally {
      await session.close();
    }
  });
}

test('the session parses once: the report is the same object each time, and a closed session refuses', async () => {
  const session = await CheckpointSession.open(file('formats/views.pt'));
  const first = session.summary();
  assert.equal(session.summary(), first);
  assert.ok(first.tensors.length > 0);
  await session.close();
  assert.throws(() => session.summary(), /closed/);
});

test('a path that names no tensor is refused with a sentence', async () => {
  const session = await CheckpointSession.open(file('formats/views.pt'));
  try {
    await assert.rejects(session.stats('no.such.tensor'), (err: Error & { code?: string }) => err.code === 'no-such-tensor' && /no tensor "no.such.tensor"/.test(err.message));
  } finally {
    await session.close();
  }
});

/** A safetensors file in memory: one float32 and one bfloat16 tensor of `n` elements each. */
function bigSafetensors(n: number): Uint8Array {
  const f32 = new Float32Array(n);
  for (let i = 0; i < n; i++) f32[i] = Math.sin(i * 0.001) * 10 + (i % 13);
  f32[7] = NaN;
  f32[n - 3] = -Infinity;
  const bf16 = new Uint16Array(n);
  const view = new DataView(f32.buffer);
  for (let i = 0; i < n; i++) bf16[i] = view.getUint32(i * 4, true) >>> 16;
  const header = JSON.stringify({
    w: { dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] },
    h: { dtype: 'BF16', shape: [n], data_offsets: [4 * n, 6 * n] },
  });
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(8 + padded.length + 6 * n);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.length), true);
  out.set(new TextEncoder().encode(padded), 8);
  out.set(new Uint8Array(f32.buffer), 8 + padded.length);
  out.set(new Uint8Array(bf16.buffer), 8 + padded.length + 4 * n);
  return out;
}

test('a big tensor split over the kernel workers has the statistics it has read whole in place', async () => {
  const spec = { kind: 'memory' as const, name: 'big.safetensors', bytes: shareBytes(bigSafetensors(24 * 1024 * 1024)) };
  const split = await CheckpointSession.open(spec, { pool });
  const whole = await CheckpointSession.open(spec);
  try {
    for (const path of ['w', 'h']) {
      let reports = 0;
      const a = await split.stats(path, { onProgress: () => reports++ });
      const b = await whole.stats(path);
      assert.ok(reports > 1, 'progress arrives while it runs');
      assert.deepEqual([a.count, a.nan, a.posinf, a.neginf, a.zeros, a.min, a.max], [b.count, b.nan, b.posinf, b.neginf, b.zeros, b.min, b.max], path);
      assert.ok(Math.abs(a.mean! - b.mean!) <= 1e-12 * Math.abs(b.mean!), `${path} mean`);
      assert.ok(Math.abs(a.std! - b.std!) <= 1e-9 * b.std!, `${path} std`);
      assert.deepEqual(a.histogram, b.histogram, `${path} histogram`);
      assert.equal(a.nan, 1);
    }
    const controller = new AbortController();
    const cancelled = split.stats('w', { signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(cancelled, (err: Error) => err.name === 'AbortError' || /Cancel/.test(err.message));
  } finally {
    await split.close();
    await whole.close();
  }
});

test('a signal that outlives many requests holds no listener from any of them once each has ended', async () => {
  // As a caller's signal for a whole view would: each request links its own stop to it, and must
  // unlink it when done, or every request would stay reachable from the signal.
  const spec = { kind: 'memory' as const, name: 'big.safetensors', bytes: shareBytes(bigSafetensors(24 * 1024 * 1024)) };
  const session = await CheckpointSession.open(spec, { pool, inPlaceBytes: 0 });
  const lasting = new AbortController();
  try {
    for (let i = 0; i < 3; i++) {
      await session.stats('w', { signal: lasting.signal });
      await session.stats('h', { signal: lasting.signal });
      await session.scanNonFinite({ signal: lasting.signal });
      await session.summaryWithHashes({ signal: lasting.signal });
      await compareSessions(session, session, { signal: lasting.signal });
    }
    assert.equal(getEventListeners(lasting.signal, 'abort').length, 0);
  } finally {
    await session.close();
  }
});

test('a sidecar given as bytes is read through the same source specs', async () => {
  const meta = new TextEncoder().encode(JSON.stringify({ step: 123, val_bpb: 0.75 }));
  const session = await CheckpointSession.open(file('formats/views.pt'), { sidecar: { name: 'meta_000123.json', spec: { kind: 'memory', name: 'meta', bytes: meta } } });
  try {
    assert.equal(session.summary().metrics.val_bpb, 0.75);
  } finally {
    await session.close();
  }
});
