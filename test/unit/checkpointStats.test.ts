// Statistics by the paths inspect names tensors with, and the NaN/Inf scan, on the torch-written
// fixtures of test/fixtures/stats (expected.json holds what torch computed).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { inspectFile } from '../../src/core/inspect/inspectFile';
import { mayHoldNonFinite, scanNonFinite, statsOfTensor } from '../../src/core/inspect/checkpointStats';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import type { LoadedCheckpoint } from '../../src/core/torch/loadedCheckpoint';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'stats');
interface Expected {
  dtype: string;
  count: number;
  min: number | null;
  max: number | null;
  nan: number;
  posinf: number;
  neginf: number;
  zeros: number;
  histogram: { counts: number[] };
}
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, Expected>> };

async function withFile<T>(file: string, use: (ckpt: LoadedCheckpoint) => Promise<T>): Promise<T> {
  const source = await FileByteSource.open(join(dir, file));
  try {
    return await use(await openCheckpoint(source));
  } finally {
    await source.close();
  }
}

test("every tensor inspect lists is found by its report path, with torch's counts", async () => {
  for (const file of Object.keys(expected.files)) {
    const report = await inspectFile(join(dir, file));
    await withFile(file, async (ckpt) => {
      for (const t of report.tensors) {
        const want = expected.files[file]![t.path]!;
        assert.ok(want, `${file}: ${t.path} has expectations`);
        const s = await statsOfTensor(ckpt, t.path);
        assert.deepEqual([s.count, s.zeros, s.nan, s.posinf, s.neginf, s.histogram.counts], [want.count, want.zeros, want.nan, want.posinf, want.neginf, want.histogram.counts], `${file}: ${t.path}`);
        for (const k of ['min', 'max'] as const) {
          const w = want[k];
          if (w === null) assert.equal(s[k], null, `${t.path}.${k}`);
          else assert.ok(Math.abs(s[k]! - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${t.path}.${k}: ${s[k]} vs torch's ${w}`);
        }
      }
    });
  }
});

test('progress counts both passes of a float32 tensor, ending at the total', async () => {
  const seen: Array<[number, number]> = [];
  await withFile('dtypes.pt', (ckpt) => statsOfTensor(ckpt, 'f32', { onProgress: (done, total) => seen.push([done, total]) }));
  assert.ok(seen.length >= 2);
  assert.deepEqual(seen.at(-1), [2 * 5000 * 4, 2 * 5000 * 4]);
});

test('a path that names no tensor is a clear error', async () => {
  await withFile('dtypes.pt', async (ckpt) => {
    assert.throws(() => statsOfTensor(ckpt, 'no.such.tensor'), /there is no tensor at "no\.such\.tensor"/);
  });
});

test('the scan lists exactly the tensors torch found NaN or Inf in, in file order, with their counts', async () => {
  for (const [file, tensors] of Object.entries(expected.files)) {
    const want = Object.entries(tensors)
      .filter(([, s]) => s.nan + s.posinf + s.neginf > 0)
      .map(([path, s]) => ({ path, dtype: s.dtype, count: s.count, nan: s.nan, posinf: s.posinf, neginf: s.neginf }));
    const report = await inspectFile(join(dir, file));
    const order = report.tensors.map((t) => t.path);
    want.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
    const progress: Array<[number, number]> = [];
    const found = await withFile(file, (ckpt) => scanNonFinite(ckpt, { onProgress: (d, t) => progress.push([d, t]) }));
    assert.deepEqual(found, want, file);
    const floatBytes = report.tensors.filter((t) => mayHoldNonFinite(t.dtype) && !t.sameAs).reduce((a, t) => a + t.nbytes, 0);
    assert.deepEqual(progress.at(-1), [floatBytes, floatBytes], `${file}: progress ends at the floating tensors' bytes`);
  }
});

test('the scan stops when its signal aborts', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stopped by the test'));
  await assert.rejects(
    withFile('dtypes.pt', (ckpt) => scanNonFinite(ckpt, { signal: controller.signal })),
    /stopped by the test/,
  );
});

test('only floating and complex dtypes are read by the scan', () => {
  assert.deepEqual(
    ['float32', 'bfloat16', 'float8_e5m2', 'complex64', 'int64', 'uint8', 'bool'].map(mayHoldNonFinite),
    [true, true, true, true, false, false, false],
  );
});
