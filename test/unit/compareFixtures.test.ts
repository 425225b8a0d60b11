// compare on pairs of checkpoints written by torch, against what torch computed from them in
// float64 (test/fixtures/compare/expected.json, from make_compare.py): the categories, every
// statistic of every changed tensor, the alignment notes and the value differences. Each case
// runs in this thread and again on real kernel workers, with tensors cut into small pieces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compareCheckpoints } from '../../src/core/compare/compareCheckpoints';
import type { CompareOptions } from '../../src/core/compare/compareCheckpoints';
import type { CompareReport, TensorComparison } from '../../src/core/compare/compareReport';
import { openCompareSide } from '../../src/core/compare/compareSide';
import type { AlignMode } from '../../src/core/compare/keyAlignment';
import { KernelPool } from '../../src/core/parallel/kernelPool';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'compare');
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });
after(() => pool.dispose());

type Num = number | 'nan' | 'inf' | '-inf';
interface ExpectedChange {
  path_b?: string;
  dtype: string;
  shape: number[];
  unsupported?: boolean;
  mean_abs_diff: Num;
  max_abs_diff: Num;
  rel_l2: Num;
  cosine: Num;
  not_close: number;
}
interface ExpectedSection {
  only_in_a: string[];
  only_in_b: string[];
  mismatched: Array<{ path: string; a: { dtype: string; shape: number[] }; b: { dtype: string; shape: number[] } }>;
  identical: string[];
  changed: Record<string, ExpectedChange>;
}
interface ExpectedCase {
  a: string;
  b: string;
  align?: AlignMode;
  strip?: string;
  exit: 0 | 1;
  aligned?: string[];
  values?: Record<string, [unknown, unknown]>;
  optimizer_values?: Record<string, [unknown, unknown]>;
  model: ExpectedSection;
  optimizer: ExpectedSection;
}

const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { cases: Record<string, ExpectedCase> };

function number(v: Num): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;
}

/** Tight: bf16, f16 and f32 inputs are exact in float64, so only the float64 sums' rounding is left. */
function close(actual: number, want: Num, what: string): void {
  const w = number(want);
  if (!Number.isFinite(w)) {
    assert.ok(Object.is(actual, w) || (Number.isNaN(w) && Number.isNaN(actual)), `${what}: ${actual}, torch ${want}`);
    return;
  }
  assert.ok(Math.abs(actual - w) <= 1e-12 * Math.max(Math.abs(w), 1e-300) || Math.abs(actual - w) < 1e-15, `${what}: ${actual}, torch ${w}`);
}

function checkSection(got: TensorComparison, want: ExpectedSection, label: string): void {
  assert.deepEqual(got.only_in_a, want.only_in_a, `${label} only_in_a`);
  assert.deepEqual(got.only_in_b, want.only_in_b, `${label} only_in_b`);
  assert.deepEqual(got.mismatched.map((m) => ({ path: m.path, a: m.a, b: m.b })), want.mismatched, `${label} mismatched`);
  assert.deepEqual(got.identical, want.identical, `${label} identical`);
  // expected.json keeps its keys sorted; the report keeps file order.
  assert.deepEqual(got.changed.map((c) => c.path).sort(), Object.keys(want.changed).sort(), `${label} changed`);
  for (const c of got.changed) {
    const w = want.changed[c.path]!;
    assert.equal(c.path_b, w.path_b, `${c.path} path_b`);
    assert.deepEqual([c.dtype, c.shape], [w.dtype, w.shape], c.path);
    if (w.unsupported) {
      assert.match(c.unsupported ?? '', /not computed/, c.path);
      continue;
    }
    assert.equal(c.unsupported, undefined, c.path);
    for (const k of ['mean_abs_diff', 'max_abs_diff', 'rel_l2', 'cosine'] as const) close(c[k], w[k], `${label} ${c.path} ${k}`);
    assert.equal(c.not_close, w.not_close, `${c.path} not_close`);
  }
  assert.equal(got.counts.changed.tensors, got.changed.length);
  assert.equal(got.counts.identical.tensors, got.identical.length);
}

async function compare(c: ExpectedCase, options: CompareOptions): Promise<CompareReport> {
  const a = await openCompareSide({ kind: 'file', path: join(fixtures, c.a) });
  const b = await openCompareSide({ kind: 'file', path: join(fixtures, c.b) });
  try {
    return await compareCheckpoints(a.side, b.side, { align: c.align, stripPrefix: c.strip, ...options });
  } finally {
    await a.close();
    await b.close();
  }
}

const RUNS: Array<[string, CompareOptions]> = [
  ['in this thread', {}],
  ['on kernel workers, in pieces', { pool, poolMinBytes: 0, pieceBytes: 64 }],
];

for (const [name, c] of Object.entries(expected.cases)) {
  for (const [how, options] of RUNS) {
    test(`compare ${name} (${c.a} vs ${c.b}) as torch computed it, ${how}`, async () => {
      const r = await compare(c, options);
      checkSection(r, c.model, 'model');
      checkSection(r.optimizer, c.optimizer, 'optimizer');
      assert.equal(r.equal, c.exit === 0);
      for (const prefix of c.aligned ?? []) assert.ok(r.aligned.includes(`'${prefix}`), `the note names ${prefix}: ${r.aligned}`);
      if (!c.aligned && !c.strip) assert.equal(r.aligned, '');
      const values = new Map(r.values.map((v) => [v.key, [v.a ?? null, v.b ?? null]]));
      for (const [key, pair] of Object.entries(c.values ?? {})) assert.deepEqual(values.get(key), pair, key);
      const settings = new Map(r.optimizer.values.map((v) => [v.key, [v.a ?? null, v.b ?? null]]));
      for (const [key, pair] of Object.entries(c.optimizer_values ?? {})) assert.deepEqual(settings.get(key), pair, key);
    });
  }
}

test('the fixtures cover every category, each statistic away from its trivial value, and optimizer state', () => {
  const all = Object.values(expected.cases);
  const sections = all.flatMap((c) => [c.model, c.optimizer]);
  for (const k of ['only_in_a', 'only_in_b', 'mismatched', 'identical'] as const) assert.ok(sections.some((s) => s[k].length > 0), k);
  const changes = sections.flatMap((s) => Object.values(s.changed));
  assert.ok(changes.some((c) => c.dtype === 'bfloat16' && number(c.rel_l2) > 0));
  assert.ok(changes.some((c) => number(c.not_close) > 0) && changes.some((c) => c.not_close === 0));
  assert.ok(changes.some((c) => number(c.cosine) < 0.999));
  assert.ok(Object.keys(expected.cases.loop!.optimizer.changed).length > 0);
});

test('progress ends at the bytes compared, in this thread and on workers', async () => {
  for (const [, options] of RUNS) {
    let last = [0, 0];
    const r = await compare(expected.cases.steps!, { ...options, onProgress: (done, total) => (last = [done, total]) });
    assert.deepEqual(last, [r.bytes_compared, r.bytes_compared]);
    assert.ok(r.bytes_compared > 0);
  }
});

test('a cancelled comparison rejects as aborted, in this thread and on workers', async () => {
  for (const [how, options] of RUNS) {
    const controller = new AbortController();
    const task = compare(expected.cases.steps!, { ...options, signal: controller.signal, onProgress: () => controller.abort(Object.assign(new Error('Cancelled.'), { name: 'AbortError' })) });
    await assert.rejects(task, (err: Error) => err.name === 'AbortError', how);
  }
  // The pool still works afterwards.
  const r = await compare(expected.cases.identical!, RUNS[1]![1]);
  assert.equal(r.equal, true);
});
