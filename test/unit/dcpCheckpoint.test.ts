// torch.distributed.checkpoint folders (test/fixtures/dcp/make_dcp.py writes them with torch
// 1.13's own DCP writer, and truth/<name>.pt with torch's own DCP reader): opened through the
// folder or its .metadata, every tensor is the full tensor torch assembles (paths, dtypes, shapes
// and sha256 equal to the truth), lists its chunks and files, and the verdict is safe. The 2.x
// layout (Accelerate's pytorch_model_fsdp_0) reads alike. Missing files, overlapping or gapped
// chunks, a chunk that disagrees with .metadata and a range past a file's end are errors that
// name the file; a hostile .metadata is judged dangerous and never run. Export writes one .pt
// that torch loads with weights_only=True, equal to what torch's DCP reader assembles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import type { InspectReport } from '../../src/core/inspect/report';
import { loadCode } from '../../src/core/code/loadCode';
import { toRows } from '../../src/webview/tensorQuery';
import { checkpointVerdict } from '../../src/core/security/checkpointVerdict';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { inspectFile } from '../../src/core/session/inspectFile';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp');
const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function rows(r: InspectReport, prefix = ''): Array<[string, string, number[], string | undefined]> {
  return r.tensors.map((t): [string, string, number[], string | undefined] => [t.path.slice(prefix.length), t.dtype, t.shape, t.sha256]).sort((a, b) => a[0].localeCompare(b[0]));
}

for (const [name, files, chunks] of [['single', ['__0_0.distcp'], 4], ['two_ranks', ['__0_0.distcp', '__1_0.distcp'], 11]] as const) {
  for (const via of ['folder', '.metadata'] as const) {
    test(`${name} through its ${via}: the tensors torch's DCP reader assembles, with their chunks`, async () => {
      const truth = await inspectFile(join(dir, 'truth', `${name}.pt`), { sha256: true, sidecars: false });
      const report = await inspectFile(via === 'folder' ? join(dir, name) : join(dir, name, '.metadata'), { sha256: true });
      assert.equal(report.format, 'torch-dcp');
      assert.deepEqual(rows(report), rows(truth));
      assert.equal(report.shards?.index, '.metadata');
      assert.deepEqual(report.shards!.files.map((f) => f.file), files);
      for (const f of report.shards!.files) assert.equal(f.size, statSync(join(dir, name, f.file)).size);
      assert.equal(report.size, statSync(join(dir, name, '.metadata')).size + report.shards!.files.reduce((n, f) => n + f.size, 0));
      assert.equal(report.tensors.reduce((n, t) => n + (t.chunks?.length ?? 0), 0), chunks);
      assert.equal(report.security.verdict, 'safe');
      assert.match(report.notes.join(' '), new RegExp(`assembled from ${chunks} chunks`));
    });
  }
}

test('two_ranks: each tensor lists its chunks (file, offsets, sizes) as torch saved them', async () => {
  const report = await inspectFile(join(dir, 'two_ranks'));
  const grid = report.tensors.find((t) => t.path === 'w_grid')!;
  assert.equal(grid.file, '__0_0.distcp, __1_0.distcp');
  assert.deepEqual(grid.chunks, [
    { file: '__0_0.distcp', offsets: [0, 0], sizes: [2, 3] },
    { file: '__0_0.distcp', offsets: [2, 3], sizes: [2, 3] },
    { file: '__1_0.distcp', offsets: [0, 3], sizes: [2, 3] },
    { file: '__1_0.distcp', offsets: [2, 0], sizes: [2, 3] },
  ]);
  const bias = report.tensors.find((t) => t.path === 'bias')!;
  assert.equal(bias.file, '__0_0.distcp');
  assert.deepEqual(bias.chunks, [{ file: '__0_0.distcp', offsets: [0], sizes: [4] }]);
});

test('single: a non-tensor item (BytesStorageMetadata) is read as the object torch saved', async () => {
  const report = await inspectFile(join(dir, 'single'));
  assert.equal(report.step, 7);
  assert.equal(report.keys.find((k) => k.key === 'step')?.value, '7');
});

test("Accelerate's pytorch_model_fsdp_0 (torch 2.x's classes and fields) reads as torch assembles it", async () => {
  const truth = await inspectFile(join(dir, 'truth', 'two_ranks.pt'), { sha256: true, sidecars: false });
  const report = await inspectFile(join(dir, 'accelerate', 'checkpoint_20', 'pytorch_model_fsdp_0'), { sha256: true });
  assert.ok(report.tensors.every((t) => t.path.startsWith('model.')));
  assert.deepEqual(rows(report, 'model.'), rows(truth));
  assert.equal(report.security.verdict, 'safe');
  assert.match(report.notes.join(' '), /torch\.distributed\.checkpoint, version 1\.0\.0/);
});

const broken: Array<[string, RegExp]> = [
  ['missing_file', /__1_0\.distcp is missing: \.metadata puts "w_rows" there/],
  ['overlap', /\.metadata: the chunks of "w_rows" at \[0, 0\] \(__0_0\.distcp\) and \[3, 0\] \(__1_0\.distcp\) overlap/],
  ['gap', /\.metadata: the chunks of "w_rows" .* cover 24 of its 28 elements/],
  ['mismatch', /__0_0\.distcp: the chunk of "bias" at \[0\] holds float32 \[4\], but \.metadata says float64 \[4\]/],
  ['past_end', /__0_0\.distcp holds \d+ bytes, but \.metadata puts "bias" at bytes \d+ to \d+/],
];
for (const [name, message] of broken) {
  test(`broken/${name} is an error that names the file, judged safe from what .metadata names`, async () => {
    const err = await inspectFile(join(dir, 'broken', name)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CheckpointError && message.test(err.message), String(err));
    assert.equal(checkpointVerdict(err.globals ?? [], err.calls).verdict, 'safe');
    assert.ok(err.globals?.includes('torch.distributed._shard.checkpoint.metadata.Metadata'));
  });
}

test('a hostile .metadata is judged dangerous from what it names, and never run', async () => {
  const marker = '/tmp/checkpoint-manager-dcp-pwned';
  rmSync(marker, { force: true });
  const err = await inspectFile(join(dir, 'broken', 'hostile')).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CheckpointError, String(err));
  assert.match(err.message, /does not hold a torch\.distributed\.checkpoint Metadata/);
  const verdict = checkpointVerdict(err.globals ?? [], err.calls);
  assert.equal(verdict.verdict, 'dangerous');
  assert.deepEqual(verdict.calls, ["posix.system('touch /tmp/checkpoint-manager-dcp-pwned')"]);
  assert.equal(existsSync(marker), false);
});

test('statistics of an assembled tensor are those of the tensor torch assembles', async () => {
  const truth = await CheckpointSession.open({ kind: 'file', path: join(dir, 'truth', 'two_ranks.pt') }, { sidecar: null });
  const assembled = await CheckpointSession.open({ kind: 'file', path: join(dir, 'two_ranks') });
  try {
    for (const path of ['w_rows', 'w_cols', 'w_grid', 'bf']) assert.deepEqual(await assembled.stats(path), await truth.stats(path), path);
  } finally {
    await truth.close();
    await assembled.close();
  }
});

test('the CLI exports a DCP folder to one .pt that torch loads with weights_only=True, equal to what its DCP reader assembles', () => {
  const out = mkdtempSync(join(tmpdir(), 'cpm-dcp-'));
  try {
    const file = join(out, 'model.pt');
    const r = spawnSync(process.execPath, [cli, 'export', join(dir, 'two_ranks', '.metadata'), file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const check = spawnSync('/usr/bin/python3', [join(dir, 'check_export.py'), join(dir, 'two_ranks'), file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(check.stdout.trim(), 'ok 5 tensors');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the CLI inspects a DCP folder: each tensor gains "file" and "chunks"', () => {
  const r = spawnSync(process.execPath, [cli, 'inspect', '--json', join(dir, 'two_ranks')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as InspectReport;
  assert.equal(report.tensors.length, 5);
  assert.ok(report.tensors.every((t) => /^__[01]_0\.distcp(, __1_0\.distcp)?$/.test(t.file ?? '') && (t.chunks?.length ?? 0) > 0));
});

test('Copy load code for a DCP folder loads it with dcp.load into the model, never torch.load', async () => {
  const plain = loadCode(await inspectFile(join(dir, 'two_ranks', '.metadata')), join(dir, 'two_ranks', '.metadata'));
  assert.ok(plain.includes(`folder = ${JSON.stringify(join(dir, 'two_ranks'))}\n`), plain);
  assert.match(plain, /state_dict = model\.state_dict\(\)\ndcp\.load\(state_dict, checkpoint_id=folder\)/);
  assert.doesNotMatch(plain, /torch\.load/);
  const fsdp = join(dir, 'accelerate', 'checkpoint_20', 'pytorch_model_fsdp_0');
  const nested = loadCode(await inspectFile(fsdp), fsdp);
  assert.match(nested, /state_dict = \{"model": model\.state_dict\(\)\}[^\n]*\ndcp\.load\(state_dict, checkpoint_id=folder\)[^\n]*\nmodel\.load_state_dict\(state_dict\["model"\]\)/);
});

test("the inspector's Shard cell lists a DCP tensor's chunks in its tooltip", async () => {
  const report = await inspectFile(join(dir, 'two_ranks'));
  const rows = toRows(report.tensors);
  assert.equal(rows.find((r) => r.path === 'w_rows')?.chunksText, '__0_0.distcp at [0, 0], [4, 4]\n__1_0.distcp at [4, 0], [3, 4]');
  assert.equal(rows.find((r) => r.path === 'bias')?.file, '__0_0.distcp');
});

test('a .distcp file opens as the whole folder it belongs to', async () => {
  const report = await inspectFile(join(dir, 'two_ranks', '__1_0.distcp'));
  assert.equal(report.format, 'torch-dcp');
  assert.equal(report.tensors.length, 5);
});

test('a chunk whose archive holds a hostile pickle is an error judged dangerous, never run', async () => {
  const err = await inspectFile(join(dir, 'broken', 'hostile_chunk')).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CheckpointError, String(err));
  assert.match(err.message, /__0_0\.distcp: the chunk of "bias" at \[0\] is not a tensor/);
  const verdict = checkpointVerdict(err.globals ?? [], err.calls);
  assert.equal(verdict.verdict, 'dangerous');
  assert.deepEqual(verdict.calls, ["posix.system('touch /tmp/checkpoint-manager-dcp-pwned')"]);
  assert.ok(verdict.globals.includes('torch.distributed._shard.checkpoint.metadata.Metadata'), 'the verdict weighs .metadata too');
});

test('a chunk listed twice (a replicated save) is one chunk, not an overlap', async () => {
  const truth = await inspectFile(join(dir, 'truth', 'two_ranks.pt'), { sha256: true, sidecars: false });
  const report = await inspectFile(join(dir, 'replicated'), { sha256: true });
  assert.deepEqual(rows(report), rows(truth));
  assert.equal(report.tensors.find((t) => t.path === 'w_rows')?.chunks?.length, 2);
});
