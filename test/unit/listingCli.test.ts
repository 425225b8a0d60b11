import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCommand } from '../../src/cli/listCommand';

/** Runs `list` with stdout and stderr captured. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  // The test runner reports through stdout in Buffers: pass those through, keep our strings.
  process.stdout.write = ((chunk: unknown, ...rest: never[]) =>
    typeof chunk === 'string' ? ((out += chunk), true) : write.out.call(process.stdout, chunk as Uint8Array, ...rest)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: never[]) =>
    typeof chunk === 'string' ? ((err += chunk), true) : write.err.call(process.stderr, chunk as Uint8Array, ...rest)) as typeof process.stderr.write;
  try {
    return { code: await listCommand(args), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

test('list --json prints runs with kind, tag, dir and checkpoints of step, files, bytes, metrics', async () => {
  const root = await mkdtemp(join(tmpdir(), 'list-cli-'));
  try {
    const dir = join(root, 'base_checkpoints', 'd2');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model_000010.pt'), Buffer.alloc(100));
    await writeFile(join(dir, 'meta_000010.json'), '{"step": 10, "val_bpb": 0.81}');
    const { code, out, err } = await run([root, '--json']);
    assert.equal(code, 0);
    assert.equal(err, '');
    const json = JSON.parse(out) as { runs: { kind: string; tag: string; dir: string; checkpoints: { step: number | null; files: { name: string }[]; bytes: number; metrics: object }[] }[] };
    assert.deepEqual(
      json.runs.map((r) => ({
        kind: r.kind,
        tag: r.tag,
        dir: r.dir,
        checkpoints: r.checkpoints.map((c) => ({ step: c.step, files: c.files.map((f) => f.name), bytes: c.bytes, metrics: c.metrics })),
      })),
      [{ kind: 'base', tag: 'd2', dir, checkpoints: [{ step: 10, files: ['model_000010.pt', 'meta_000010.json'], bytes: 129, metrics: { val_bpb: 0.81 } }] }],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('list exits 1 for a missing root and 2 for bad arguments', async () => {
  const missing = await run([join(tmpdir(), 'no-such-folder-for-list')]);
  assert.deepEqual([missing.code, missing.out], [1, `${join(tmpdir(), 'no-such-folder-for-list')}: no such folder\n`]);
  assert.equal((await run(['--bogus'])).code, 2);
  assert.equal((await run(['a', 'b'])).code, 2);
  assert.equal((await run(['--depth', 'x'])).code, 2);
});
