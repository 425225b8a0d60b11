// `stats` as a user runs it: `node dist/cli.js stats <file> [--tensor PATH] [--json]`, its JSON
// against torch's statistics, its text form and its failures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import { assertStatsMatch, expectedStats, statsDir } from './support/statsExpected';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'stats', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Row = TensorStats & { path: string; dtype: string };

test('stats --json of every tensor: the contract fields, each matching torch', () => {
  const r = run(join(statsDir, 'dtypes.pt'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const { tensors } = JSON.parse(r.stdout) as { tensors: Row[] };
  const want = expectedStats.files['dtypes.pt']!;
  assert.ok(tensors.length > 10);
  for (const t of tensors) {
    assert.deepEqual(Object.keys(t), ['path', 'dtype', 'count', 'min', 'max', 'mean', 'std', 'zeros', 'nan', 'posinf', 'neginf', 'histogram']);
    assert.equal(t.histogram.edges.length, 65);
    assert.equal(t.histogram.counts.length, 64);
    assert.equal(t.dtype, want[t.path]!.dtype);
    assertStatsMatch(t, want[t.path]!, t.path);
  }
});

test('stats --tensor PATH gives that one tensor; the text form is a table', () => {
  const one = run(join(statsDir, 'dtypes.pt'), '--tensor', 'bf16', '--json');
  assert.equal(one.status, 0, one.stderr);
  const { tensors } = JSON.parse(one.stdout) as { tensors: Row[] };
  assert.deepEqual(tensors.map((t) => t.path), ['bf16']);
  const text = run(join(statsDir, 'dtypes.pt'), '--tensor', 'all_nan');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^path +dtype +count +min +max +mean +std +zeros nan\/\+inf\/-inf$/m);
  assert.match(text.stdout, /^all_nan +float32 +\d+ +- +- +- +- +0 \d+\/0\/0$/m);
});

test('stats fails with a sentence on a missing tensor (1) and on bad usage (2)', () => {
  const missing = run(join(statsDir, 'dtypes.pt'), '--tensor', 'nope');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no tensor "nope"/);
  const usage = run('--tensor');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: checkpoint-manager stats/);
});
