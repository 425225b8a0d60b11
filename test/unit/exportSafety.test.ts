// What an export refuses and what it leaves behind: no existing file replaced without --force,
// never the source itself, a cancelled export leaves nothing, bad keys and clashing names are
// clear errors; and the CLI's exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportOptions } from '../../src/core/export/exportCheckpoint';
import { exportFromSession } from '../../src/core/session/sessionExport';
import { CheckpointSession } from '../../src/core/session/checkpointSession';

const root = join(__dirname, '..', '..', '..');
const fixture = (p: string): string => join(root, 'test', 'fixtures', p);
const cli = join(root, 'dist', 'cli.js');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-safety-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function exportFile(source: string, options: ExportOptions) {
  const session = await CheckpointSession.open({ kind: 'file', path: source });
  try {
    return await exportFromSession(session, options);
  } finally {
    await session.close();
  }
}

function runCli(...args: string[]) {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, 'export', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an existing target is kept unless force is given, then replaced whole', async () => {
  const out = join(dir, 'kept.safetensors');
  writeFileSync(out, 'precious');
  await assert.rejects(exportFile(fixture('workspace/checkpoints/best.pt'), { output: out }), { code: 'target-exists' });
  assert.equal(readFileSync(out, 'utf8'), 'precious');
  const result = await exportFile(fixture('workspace/checkpoints/best.pt'), { output: out, force: true });
  assert.equal(statSync(out).size, result.bytes);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});

test('an export never writes over its source, not even with force', async () => {
  const source = join(dir, 'source.pt');
  copyFileSync(fixture('workspace/checkpoints/best.pt'), source);
  const before = readFileSync(source);
  await assert.rejects(exportFile(source, { output: source, force: true }), /is the source checkpoint itself/);
  assert.deepEqual(readFileSync(source), before);
});

test('a cancelled export leaves neither its target nor a temp file', async () => {
  const sub = mkdtempSync(join(dir, 'cancel-'));
  const out = join(sub, 'cancelled.pt');
  const controller = new AbortController();
  await assert.rejects(
    exportFile(fixture('workspace/out/ckpt.pt'), { output: out, signal: controller.signal, onProgress: () => controller.abort() }),
    /Cancelled|abort/i,
  );
  assert.deepEqual(readdirSync(sub), []);
});

test('a cancelled sharded export removes the shards it had written, and the folder it made', async () => {
  const out = join(dir, 'shards-cancelled/');
  const controller = new AbortController();
  let seen = 0;
  const onProgress = (done: number) => {
    seen = done;
    if (done > 20000) controller.abort();
  };
  await assert.rejects(exportFile(fixture('workspace/out/ckpt.pt'), { output: out, maxShardBytes: 8000, signal: controller.signal, onProgress }));
  assert.ok(seen > 20000, 'several shards were under way');
  assert.equal(existsSync(out), false);
});

test('a cancelled sharded export into a folder that was there keeps the folder and what it held', async () => {
  const out = join(dir, 'shards-kept');
  mkdirSync(out);
  writeFileSync(join(out, 'README.md'), 'mine');
  const controller = new AbortController();
  const onProgress = (done: number) => {
    if (done > 20000) controller.abort();
  };
  await assert.rejects(exportFile(fixture('workspace/out/ckpt.pt'), { output: `${out}/`, maxShardBytes: 8000, signal: controller.signal, onProgress }));
  assert.deepEqual(readdirSync(out), ['README.md']);
});

test('a key the file lacks, a file without tensors and names that clash after stripping are clear errors', async () => {
  await assert.rejects(exportFile(fixture('workspace/checkpoints/best.pt'), { output: join(dir, 'x.pt'), key: 'ema' }), /there is no "ema".*model_state_dict/);
  await assert.rejects(exportFile(fixture('nanochat/tokenizer/tokenizer.pkl'), { output: join(dir, 'y.pt') }), /holds no tensors/);
  await assert.rejects(
    exportFile(fixture('nanochat/base_checkpoints/d4/model_000100.pt'), { output: join(dir, 'z.pt'), stripPrefixes: ['transformer.h.0.', 'transformer.h.1.'] }),
    /the same name "attn\.c_q\.weight"/,
  );
  await assert.rejects(exportFile(fixture('workspace/checkpoints/best.pt'), { output: join(dir, 'w.onnx') }), /cannot tell the format/);
  assert.deepEqual(readdirSync(dir).filter((n) => /^[xyzw]\./.test(n)), []);
});

test('the weights are found under the usual keys and everything else is dropped', async () => {
  const lightning = await exportFile(fixture('workspace/lightning/epoch=1-step=20.ckpt'), { output: join(dir, 'l.safetensors') });
  assert.equal(lightning.weightsKey, 'state_dict');
  assert.ok(lightning.dropped.includes('optimizer_states'));
  assert.ok(lightning.share < 0.5, `the weights are a small part of the file (${lightning.share})`);
  const nanochat = await exportFile(fixture('nanochat/base_checkpoints/d4/model_000200.pt'), { output: join(dir, 'n.safetensors') });
  assert.equal(nanochat.weightsKey, '');
  assert.deepEqual(nanochat.dropped, []);
});

test('CLI: 0 with a JSON result, 1 when the target exists or is the source, 2 for bad arguments', () => {
  const out = join(dir, 'cli.safetensors');
  const ok = runCli(fixture('workspace/out/ckpt.pt'), out, '--dtype', 'bf16', '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const result = JSON.parse(ok.stdout) as { files: Array<{ path: string; bytes: number; flushed: boolean }>; weightsKey: string; dtype: string };
  assert.deepEqual([result.files[0]!.path, result.files[0]!.bytes, result.files[0]!.flushed, result.weightsKey, result.dtype], [out, statSync(out).size, false, 'model', 'bf16']);
  const again = runCli(fixture('workspace/out/ckpt.pt'), out);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists \(use --force/);
  const text = runCli(fixture('workspace/out/ckpt.pt'), out, '--force');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /of the .* source/);
  assert.match(text.stdout, /^wrote .*cli\.safetensors \(.*, flushed to disk\)$/m, 'a replaced file is flushed before its rename');
  const synced = runCli(fixture('workspace/out/ckpt.pt'), join(dir, 'cli-synced.safetensors'), '--sync', '--json');
  assert.equal(synced.status, 0, synced.stderr);
  assert.equal((JSON.parse(synced.stdout) as { files: Array<{ flushed: boolean }> }).files[0]!.flushed, true, '--sync flushes a new file');
  assert.equal(runCli(fixture('workspace/out/ckpt.pt'), out, '--dtype', 'int8').status, 2);
  assert.equal(runCli(fixture('workspace/out/ckpt.pt')).status, 2);
  assert.equal(runCli(fixture('workspace/out/ckpt.pt'), out, '--max-shard-size', 'lots').status, 2);
  assert.equal(runCli(fixture('workspace/out/ckpt.pt'), out, '--max-shard-size', '1MB').status, 1, 'a shard size needs a folder');
});

test('a damaged source record stops the export: its CRC-32 is checked on the way, nothing is written', async () => {
  const out = join(dir, 'from-damaged.pt');
  await assert.rejects(exportFile(fixture('broken/damaged_tensor.pt'), { output: out }), { code: 'corrupt' });
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});
