// `compare` as a user runs it (`node dist/cli.js compare ...`, built by esbuild): the JSON
// fields, the readable form, and exit codes as diff and cmp give them (0 equal, 1 differ, 2 trouble).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = (p: string): string => join(root, 'test', 'fixtures', 'compare', p);
const scratch = mkdtempSync(join(tmpdir(), 'compare-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, 'compare', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): { status: number | null; report: Record<string, unknown> } {
  const r = run(...args, '--json');
  assert.equal(r.stderr, '');
  return { status: r.status, report: JSON.parse(r.stdout) as Record<string, unknown> };
}

test('identical files exit 0 and print the issue\'s fields', () => {
  const { status, report } = json(fixture('identical/a.pt'), fixture('identical/b.pt'));
  assert.equal(status, 0);
  for (const k of ['only_in_a', 'only_in_b', 'mismatched', 'changed', 'identical']) assert.ok(Array.isArray(report[k]), k);
  assert.equal(typeof report.aligned, 'string');
  assert.equal((report.identical as string[]).length, 14);
  assert.equal(report.equal, true);
});

test('two steps exit 1; each changed tensor carries the statistics', () => {
  const { status, report } = json(fixture('steps/model_000100.pt'), fixture('steps/model_000200.pt'));
  assert.equal(status, 1);
  const changed = report.changed as Array<Record<string, unknown>>;
  assert.equal(changed.length, 14);
  for (const c of changed) {
    for (const k of ['mean_abs_diff', 'max_abs_diff', 'rel_l2', 'cosine', 'not_close']) assert.equal(typeof c[k], 'number', `${String(c.path)} ${k}`);
    assert.equal(typeof c.path, 'string');
  }
  assert.deepEqual((report.values as Array<{ key: string }>).map((v) => v.key).slice(0, 2), ['step', 'metrics.val_bpb']);
});

test('statistics JSON cannot hold (NaN, an infinite rel_l2) are null', () => {
  const { report } = json(fixture('dtypes/a.pt'), fixture('dtypes/b.pt'));
  const byPath = new Map((report.changed as Array<Record<string, unknown>>).map((c) => [c.path, c]));
  assert.equal(byPath.get('from_zero')!.rel_l2, null);
  assert.equal(byPath.get('specials')!.max_abs_diff, null);
  assert.equal(byPath.get('specials')!.not_close, 4);
});

test('layouts align by default with a note; --align none pairs paths as they are; --strip-prefix removes a prefix', () => {
  const auto = json(fixture('layouts/flat.pt'), fixture('layouts/ddp.pt'));
  assert.equal(auto.status, 0);
  assert.match(auto.report.aligned as string, /from B the 'module\.' prefix/);
  const none = json(fixture('layouts/flat.pt'), fixture('layouts/ddp.pt'), '--align', 'none');
  assert.equal(none.status, 1);
  assert.deepEqual(none.report.only_in_b, ['module.fc1.weight', 'module.fc1.bias', 'module.fc2.weight', 'module.fc2.bias']);
  const stripped = json(fixture('layouts/ddp.pt'), fixture('layouts/flat.pt'), '--align', 'none', '--strip-prefix', 'module.');
  assert.equal(stripped.status, 0);
  assert.deepEqual(stripped.report.identical, ['module.fc1.weight', 'module.fc1.bias', 'module.fc2.weight', 'module.fc2.bias']);
});

test('the readable form names categories, the largest change and the verdict', () => {
  const r = run(fixture('keys/a.pt'), fixture('keys/b.pt'));
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout.split('\n')[2], '33% of the 3 common tensors changed, median rel_l2 0.0013; 2 with another dtype or shape, 1 only in A, 1 only in B.');
  assert.match(r.stdout, /^ {2}changed +1 tensor \(96 B\)$/m);
  assert.match(r.stdout, /^ {4}resized\.weight {2}A float32\[5, 4\] {2}B float32\[7, 4\]$/m);
  assert.match(r.stdout, /^ {2}only in A:\n {4}dropped\.weight$/m);
  assert.match(r.stdout, /^The checkpoints differ\.$/m);
  const same = run(fixture('identical/a.pt'), fixture('identical/b.pt'));
  assert.equal(same.status, 0);
  assert.match(same.stdout, /^The checkpoints are equal\.$/m);
  assert.equal(same.stdout.split('\n')[2], 'A and B are the same: every tensor is identical and no value differs.');
});

test('trouble exits 2 with one line on stderr: a missing file, a file that is no checkpoint, bad arguments', () => {
  const notCheckpoint = join(scratch, 'notes.pt');
  writeFileSync(notCheckpoint, 'just some text, not a checkpoint\n');
  for (const args of [
    [fixture('identical/a.pt'), join(scratch, 'missing.pt')],
    [fixture('identical/a.pt'), notCheckpoint],
    [fixture('identical/a.pt')],
    [fixture('identical/a.pt'), fixture('identical/b.pt'), '--align', 'sideways'],
    [fixture('identical/a.pt'), fixture('identical/b.pt'), '--bogus'],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^compare: /);
  }
});

test('--align model compares the model alone, by bare names, and says so', () => {
  const all = json(fixture('loop/epoch_1.pt'), fixture('loop/epoch_2.pt'));
  assert.ok(((all.report.optimizer as { changed: unknown[] }).changed).length > 0);
  const model = json(fixture('loop/epoch_1.pt'), fixture('loop/epoch_2.pt'), '--align', 'model');
  assert.equal(model.status, 1);
  assert.deepEqual((model.report.optimizer as { changed: unknown[] }).changed, []);
  assert.deepEqual((model.report.changed as Array<{ path: string }>).map((c) => c.path), ['model_state_dict.fc1.weight', 'model_state_dict.fc1.bias', 'model_state_dict.fc2.weight', 'model_state_dict.fc2.bias']);
  assert.match(model.report.aligned as string, /only the model was compared/);
  // Against the flat layout, bare names pair every weight.
  const wrapped = json(fixture('layouts/wrapped.pt'), fixture('layouts/flat.pt'), '--align', 'model');
  assert.equal((wrapped.report.identical as string[]).length, 4);
});
