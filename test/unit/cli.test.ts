// The command-line contract, run as a user runs it: `node dist/cli.js ...` (built by esbuild).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = (p: string): string => join(root, 'test', 'fixtures', p);

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('inspect --json --sha256 prints one JSON object with the contract fields', () => {
  const r = run('inspect', fixture('formats/views.pt'), '--json', '--sha256');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(report.format, 'torch-zip');
  assert.equal(typeof report.parameters, 'number');
  assert.deepEqual(Object.keys(report.security as object).slice(0, 2), ['verdict', 'globals']);
  for (const field of ['parameters', 'tensorBytes', 'modelParameters']) assert.equal(typeof report[field], 'number', field);
  assert.deepEqual(report.tied, [{ path: 'tied_b', sameAs: 'tied_a' }]);
  assert.equal(typeof report.roles, 'object');
  const tensors = report.tensors as Array<Record<string, unknown>>;
  assert.ok(tensors.length > 0);
  for (const t of tensors) {
    const optional = t.path === 'tied_b' ? ['sameAs'] : [];
    assert.deepEqual(Object.keys(t).sort(), ['device', 'dtype', 'nbytes', 'path', 'role', 'sha256', 'shape', ...optional].sort());
    assert.match(t.sha256 as string, /^[0-9a-f]{64}$/);
  }
});

test('the summary counts parameters, buffers and optimizer state apart and names tied pairs', () => {
  const r = run('inspect', fixture('workspace/out/ckpt.pt'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^parameters: +8\.1K in 29 tensors \(31\.8 KiB\) under 'model'$/m);
  assert.match(r.stdout, /^buffers: +2\.0K in 2 tensors/m);
  assert.match(r.stdout, /^optimizer: +16\.3K in 84 tensors/m);
  assert.match(r.stdout, /^tied: +model\.lm_head\.weight = model\.transformer\.wte\.weight$/m);
  assert.doesNotMatch(r.stdout, /^model:/m);
});

test('--sha256 on a file with a damaged record exits 1, naming the tensor and the record', () => {
  const r = run('inspect', fixture('broken/damaged_tensor.pt'), '--json', '--sha256');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.trim(), /^error: The checkpoint is corrupt: the bytes of tensor "transformer\.h\.0\.attn\.c_q\.weight" \(record "damaged_tensor\/data\/1"\) fail their CRC-32 check/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  // Without --sha256 no tensor record is read, so the file is described.
  assert.equal(run('inspect', fixture('broken/damaged_tensor.pt'), '--json').status, 0);
});

test('without --sha256 no hashes are computed', () => {
  const r = run('inspect', fixture('formats/views.pt'), '--json');
  const tensors = (JSON.parse(r.stdout) as { tensors: Array<Record<string, unknown>> }).tensors;
  assert.ok(tensors.every((t) => !('sha256' in t)));
});

test('the readable summary names the format, step, parameters, depth and keys', () => {
  const r = run('inspect', fixture('nanochat/base_checkpoints/d4/model_000200.pt'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^format: +torch-zip$/m);
  assert.match(r.stdout, /^step: +200$/m);
  assert.match(r.stdout, /^depth: +4 layers$/m);
  assert.match(r.stdout, /^parameters: +\S+ in \d+ tensors/m);
  assert.match(r.stdout, /^security: +safe$/m);
  assert.match(r.stdout, /val_bpb=/);
  assert.match(r.stdout, /^keys:$/m);
});

for (const [file, pattern] of [
  ['broken/lfs_pointer.pt', /Git LFS pointer/],
  ['broken/truncated.pt', /truncated/],
  ['broken/empty.pt', /empty/],
  ['broken/missing_record.pt', /no record "data\/\d+"/],
  ['does/not/exist.pt', /No such file/],
] as const) {
  test(`a file it cannot read (${file}) exits non-zero with one clear line`, () => {
    const r = run('inspect', fixture(file), '--json');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });
}

test('a hostile file is described, dangerous, and its payload never runs', () => {
  const r = run('inspect', fixture('hostile/os_system.pt'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { security: { verdict: string; dangerous: string[] } };
  assert.equal(report.security.verdict, 'dangerous');
  assert.deepEqual(report.security.dangerous, ['posix.system']);
  assert.equal(existsSync('/tmp/checkpoint-manager-pwned'), false);
});

test('bad usage exits 2 with the usage text', () => {
  const r = run('inspect');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/);
});

test('the readable summary says what a hostile file would run, and the optimizer settings', () => {
  const hostile = run('inspect', fixture('hostile/popped_system.pt'));
  assert.equal(hostile.status, 0, hostile.stderr);
  assert.match(hostile.stdout, /^would run: +posix\.system\('touch \/tmp\/checkpoint-manager-pwned'\)$/m);
  const nanogpt = run('inspect', fixture('workspace/out/ckpt.pt'));
  assert.match(nanogpt.stdout, /^optimizer: +Adam\/AdamW · optimizer: 28 parameters in 2 groups, step 3$/m);
  assert.match(nanogpt.stdout, /^ {2}group 0: lr=0\.0006 betas=\(0\.9, 0\.95\) weight_decay=0\.1 eps=1e-08$/m);
  assert.match(nanogpt.stdout, /^architecture:$/m);
});

test('inspect reads a plain pickle: format pickle, with its verdict', () => {
  const r = run('inspect', fixture('nanochat/tokenizer/tokenizer.pkl'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { format: string; security: { verdict: string; suspicious: string[] } };
  assert.deepEqual([report.format, report.security.verdict, report.security.suspicious], ['pickle', 'suspicious', ['tiktoken.core.Encoding']]);
});
