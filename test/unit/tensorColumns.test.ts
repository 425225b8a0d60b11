import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { inspectFile } from '../../src/core/session/inspectFile';
import type { TensorInfo, TensorRole } from '../../src/core/inspect/report';
import { fromColumns, packReport, presentCount, toColumns, unpackReport } from '../../src/core/inspect/tensorColumns';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const tensor: fc.Arbitrary<TensorInfo> = fc
  .record({
    // Empty paths (a file that is one tensor), any characters, and repeats.
    path: fc.oneof(fc.constant(''), fc.string(), fc.string({ unit: 'grapheme' })),
    dtype: fc.constantFrom('float32', 'bfloat16', 'int64', 'bool', 'float8_e4m3fn'),
    shape: fc.array(fc.oneof(fc.nat(8), fc.constant(2 ** 40)), { maxLength: 6 }),
    nbytes: fc.oneof(fc.nat(), fc.constant(2 ** 45)),
    role: fc.constantFrom<TensorRole>('parameter', 'buffer', 'optimizer', 'rng', 'other'),
    sha256: optional(fc.stringMatching(/^[0-9a-f]{64}$/)),
    sameAs: optional(fc.string()),
    device: optional(fc.constantFrom('cpu', 'cuda:0', 'mps', '')),
    label: optional(fc.string()),
    file: optional(fc.constantFrom('a.safetensors', 'b.safetensors', '')),
    chunks: optional(fc.array(fc.record({ file: fc.string(), offsets: fc.array(fc.nat()), sizes: fc.array(fc.nat()) }), { maxLength: 2 })),
  })
  // Absent fields are absent, not present as undefined: as the summary writes them.
  .map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as unknown as TensorInfo);

test('tensors come back from columns as they went in, absent fields still absent', () => {
  fc.assert(
    fc.property(fc.array(tensor, { maxLength: 40 }), (tensors) => {
      const back = fromColumns(toColumns(tensors));
      assert.deepStrictEqual(back, tensors);
      for (let i = 0; i < tensors.length; i++) assert.deepStrictEqual(Object.keys(back[i]).sort(), Object.keys(tensors[i]).sort());
    }),
    { numRuns: 300 },
  );
});

test('the columns count what is present', () => {
  const c = toColumns([
    { path: 'a', dtype: 'float32', shape: [2], nbytes: 8, role: 'parameter', sha256: 'x'.repeat(64), device: 'cuda:0' },
    { path: 'b', dtype: 'float32', shape: [], nbytes: 4, role: 'buffer', device: 'cpu' },
    { path: 'c', dtype: 'int64', shape: [1], nbytes: 8, role: 'other' },
  ]);
  assert.deepEqual([c.count, presentCount(c.sha256), presentCount(c.device), c.device.values.slice(1), c.dtype.values.slice(1)], [3, 1, 2, ['cuda:0', 'cpu'], ['float32', 'int64']]);
});

test("every fixture's report survives packing, and the packed form holds no object per tensor", async () => {
  const files = ['formats', 'nanochat', 'dcp/two_ranks', 'formats/safetensors']
    .flatMap((dir) => readdirSync(join(fixtures, dir)).map((f) => join(fixtures, dir, f)))
    .filter((p) => statSync(p).isFile() && /\.(pt|pth|ckpt|safetensors|metadata)$|^\.metadata$/.test(p.split('/').pop()!));
  assert.ok(files.length >= 15, `found ${files.length} fixtures`);
  let tensors = 0;
  for (const path of files) {
    const report = await inspectFile(path, { sha256: true });
    const packed = packReport(report);
    assert.equal('tensors' in packed, false);
    // Structured clone (what both hops use) takes it, and what comes out is the report.
    assert.deepStrictEqual(unpackReport(structuredClone(packed)), report, path);
    assert.equal(unpackReport(packed), unpackReport(packed), 'made once per packed report');
    assert.equal(packReport(report), packed, 'packed once per report');
    tensors += report.tensors.length;
  }
  assert.ok(tensors > 100);
});

test('10,000 tensors pack into a few strings and typed arrays, not an object per tensor', () => {
  const rows: TensorInfo[] = Array.from({ length: 10_000 }, (_, i) => ({ path: `model.layers.${i}.mlp.weight`, dtype: 'bfloat16', shape: [64, 64], nbytes: 8192, role: 'parameter', device: 'cpu' }));
  const columns = toColumns(rows);
  const values = Object.values(columns).flatMap((v) => (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) ? Object.values(v as object) : [v]));
  assert.ok(values.every((v) => typeof v === 'string' || typeof v === 'number' || ArrayBuffer.isView(v) || (Array.isArray(v) && v.length < 10)));
  assert.deepStrictEqual(fromColumns(deserialize(serialize(columns)) as typeof columns), rows);
});
