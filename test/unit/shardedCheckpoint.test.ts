// Sharded sets opened as one checkpoint (test/fixtures/sharded/make_sharded.py writes them as
// save_pretrained does, and the same state dict whole as merged.pt): through the index or the
// folder, safetensors and .bin shards, every tensor is the merged file's tensor (paths, dtypes,
// shapes and sha256), each names its shard, and the shards are listed with their sizes. A missing
// shard and an index that misplaces a tensor are errors naming the file; export merges the shards
// into one file that Debian's torch loads with weights_only=True and finds equal to merged.pt.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { exportFromSession } from '../../src/core/export/exportCheckpoint';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { inspectFile } from '../../src/core/session/inspectFile';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'sharded');
const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

for (const [set, index, shards] of [['hf_safetensors', 'model.safetensors.index.json', 3], ['hf_bin', 'pytorch_model.bin.index.json', 2]] as const) {
  for (const via of ['index', 'folder'] as const) {
    test(`${set} through its ${via}: the merged file's tensors, each with its shard`, async () => {
      const merged = await inspectFile(join(dir, 'merged.pt'), { sha256: true, sidecars: false });
      const report = await inspectFile(via === 'index' ? join(dir, set, index) : join(dir, set), { sha256: true });
      const rows = (r: typeof report) => r.tensors.map((t) => [t.path, t.dtype, t.shape, t.sha256]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(rows(report), rows(merged));
      assert.equal(report.parameters, merged.parameters);
      assert.equal(report.shards?.index, index);
      assert.equal(report.shards?.files.length, shards);
      const files = new Set(report.shards!.files.map((f) => f.file));
      assert.ok(report.tensors.every((t) => t.file && files.has(t.file)));
      for (const f of report.shards!.files) assert.equal(f.size, statSync(join(dir, set, f.file)).size);
      assert.equal(report.size, report.shards!.files.reduce((n, f) => n + f.size, 0));
      assert.equal(report.security.verdict, 'safe');
      assert.match(report.notes.join(' '), new RegExp(`sharded set of ${shards} files`));
    });
  }
}

test('a shard the index names but the folder lacks is an error naming it', async () => {
  await assert.rejects(inspectFile(join(dir, 'missing_shard')), (err: unknown) => err instanceof CheckpointError && /model-00002-of-00003\.safetensors is missing/.test(err.message));
});

test('an index that puts a tensor in a shard without it is an error naming both', async () => {
  await assert.rejects(inspectFile(join(dir, 'wrong_map')), (err: unknown) => err instanceof CheckpointError && /model-00001-of-00003\.safetensors has no tensor "lm_head\.weight"/.test(err.message));
});

test('statistics of a tensor in the second shard are those of the merged file', async () => {
  const merged = await CheckpointSession.open({ kind: 'file', path: join(dir, 'merged.pt') }, { sidecar: null });
  const sharded = await CheckpointSession.open({ kind: 'file', path: join(dir, 'hf_safetensors') });
  try {
    const path = sharded.summary().tensors.find((t) => t.file === 'model-00002-of-00003.safetensors')!.path;
    assert.deepEqual(await sharded.stats(path), await merged.stats(path));
  } finally {
    await merged.close();
    await sharded.close();
  }
});

test('export merges the shards into one .pt that torch loads with weights_only=True, equal to merged.pt', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cpm-sharded-'));
  try {
    const session = await CheckpointSession.open({ kind: 'file', path: join(dir, 'hf_safetensors', 'model.safetensors.index.json') });
    try {
      await exportFromSession(session, { output: join(out, 'model.pt') });
    } finally {
      await session.close();
    }
    const check = spawnSync('/usr/bin/python3', ['-c', `
import sys, torch
a = torch.load(sys.argv[1], weights_only=True)
b = torch.load(sys.argv[2], weights_only=True)
assert sorted(a) == sorted(b), (list(a), list(b))
for k in b:
    assert a[k].dtype == b[k].dtype and torch.equal(a[k], b[k]), k
print(len(a))
`, join(out, 'model.pt'), join(dir, 'merged.pt')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), '15');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the CLI inspects a sharded folder: each tensor gains "file"', () => {
  const r = spawnSync(process.execPath, [cli, 'inspect', '--json', join(dir, 'hf_bin')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.tensors.length, 15);
  assert.ok(report.tensors.every((t: { file?: string }) => /^pytorch_model-0000[12]-of-00002\.bin$/.test(t.file ?? '')));
});
