// Every export is checked by torch itself: Debian's torch 1.13 loads each .pt with
// weights_only=True and reads each safetensors file back, header rules included, and compares
// every tensor with the source's (or with what torch's own .to() gives for a cast). One python
// process checks them all.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CastName } from '../../src/core/export/elementCast';
import type { ExportResult } from '../../src/core/export/exportCheckpoint';
import { exportFromSession } from '../../src/core/session/sessionExport';
import { CheckpointSession } from '../../src/core/session/checkpointSession';

const root = join(__dirname, '..', '..', '..');
const fixture = (p: string): string => join(root, 'test', 'fixtures', p);
const CHECKER = fixture('export/check_export.py');
const PYTHON = '/usr/bin/python3';

interface Source {
  file: string;
  reference: 'torch' | 'safetensors' | 'expected';
  key?: string;
  strip?: string[];
}

interface Case {
  label: string;
  source: Source;
  out: string;
  dtype?: CastName;
  maxShard?: number;
}

let dir: string;
const sources: Record<string, Source> = {};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-torch-'));
  const made = spawnSync(PYTHON, [CHECKER, 'make', dir], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  Object.assign(sources, {
    plainLoop: { file: fixture('workspace/checkpoints/best.pt'), reference: 'torch' },
    nanoGPT: { file: fixture('workspace/out/ckpt.pt'), reference: 'torch' },
    lightning: { file: fixture('workspace/lightning/epoch=1-step=20.ckpt'), reference: 'torch' },
    nanochat: { file: fixture('nanochat/mid_checkpoints/d4/model_000100.pt'), reference: 'torch', strip: ['_orig_mod.'] },
    legacy: { file: fixture('formats/legacy.pt'), reference: 'torch', key: 'state_dict' },
    safetensors: { file: fixture('workspace/hf/checkpoint-100/model.safetensors'), reference: 'safetensors' },
    hostile: { file: fixture('hostile/os_system.pt'), reference: 'expected', key: 'model' },
    views: { file: fixture('formats/views.pt'), reference: 'torch' },
    dtypes: { file: fixture('formats/dtypes.pt'), reference: 'torch' },
    // torch 1.13 ignores the byteorder record, so compare with what torch saw when it wrote the file.
    bigEndian: { file: fixture('formats/bigendian.pt'), reference: 'expected' },
    casts: { file: join(dir, 'cast_source.pt'), reference: 'torch' },
  } satisfies Record<string, Source>);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function cases(): Case[] {
  const s = sources;
  return [
    { label: 'plain loop → .pt', source: s.plainLoop!, out: 'plain.pt' },
    { label: 'plain loop → .safetensors', source: s.plainLoop!, out: 'plain.safetensors' },
    { label: 'nanoGPT (tied lm_head) → .pt', source: s.nanoGPT!, out: 'nanogpt.pt' },
    { label: 'nanoGPT → bf16 .safetensors', source: s.nanoGPT!, out: 'nanogpt.safetensors', dtype: 'bf16' },
    { label: 'nanoGPT → shards of 8 KB', source: s.nanoGPT!, out: 'nanogpt-shards/', maxShard: 8000 },
    { label: 'Lightning → .pt', source: s.lightning!, out: 'lightning.pt' },
    { label: 'Lightning → fp16 .safetensors', source: s.lightning!, out: 'lightning.safetensors', dtype: 'fp16' },
    { label: 'nanochat bf16, _orig_mod. stripped → .safetensors', source: s.nanochat!, out: 'nanochat.safetensors' },
    { label: 'nanochat bf16 → fp32 .pt', source: s.nanochat!, out: 'nanochat.pt', dtype: 'fp32' },
    { label: 'legacy → .pt', source: s.legacy!, out: 'legacy.pt' },
    { label: 'safetensors → fp16 .pt', source: s.safetensors!, out: 'from-st.pt', dtype: 'fp16' },
    { label: 'safetensors → one-shard folder', source: s.safetensors!, out: 'from-st/' },
    { label: 'hostile verdict → .pt', source: s.hostile!, out: 'hostile.pt' },
    { label: 'hostile verdict → .safetensors', source: s.hostile!, out: 'hostile.safetensors' },
    { label: 'views and ties → .pt', source: s.views!, out: 'views.pt' },
    { label: 'views and ties → bf16 .safetensors', source: s.views!, out: 'views.safetensors', dtype: 'bf16' },
    { label: 'every dtype → .pt', source: s.dtypes!, out: 'dtypes.pt' },
    { label: 'big-endian → .safetensors', source: s.bigEndian!, out: 'bigendian.safetensors' },
    { label: 'rounding cases → bf16 .pt', source: s.casts!, out: 'casts-bf16.pt', dtype: 'bf16' },
    { label: 'rounding cases → fp16 .safetensors', source: s.casts!, out: 'casts-fp16.safetensors', dtype: 'fp16' },
    { label: 'rounding cases → fp32 .pt', source: s.casts!, out: 'casts-fp32.pt', dtype: 'fp32' },
  ];
}

test('torch loads every export (weights_only=True) and finds exactly the source tensors, or torch’s own cast', async () => {
  const checks: unknown[] = [];
  const verdicts = new Map<string, string>();
  const results = new Map<string, ExportResult>();
  for (const c of cases()) {
    const session = await CheckpointSession.open({ kind: 'file', path: c.source.file });
    try {
      const out = join(dir, c.out);
      const result = await exportFromSession(session, { output: out, key: c.source.key, dtype: c.dtype, stripPrefixes: c.source.strip, maxShardBytes: c.maxShard });
      results.set(c.label, result);
      verdicts.set(c.label, session.summary().security.verdict);
      checks.push({
        out: out.replace(/\/$/, ''),
        kind: result.kind,
        source: c.source.file,
        reference: c.source.reference,
        key: result.weightsKey,
        strip: c.source.strip ?? [],
        dtype: c.dtype ?? null,
        ties: result.ties,
        step: session.summary().step ?? null,
        maxShard: c.maxShard ?? null,
      });
    } finally {
      await session.close();
    }
  }
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(checks));
  const run = spawnSync(PYTHON, [CHECKER, 'check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(verdicts.get('hostile verdict → .pt'), 'dangerous', 'the hostile source is one whose loading would run code');
  const { results: judged } = JSON.parse(run.stdout) as { results: Array<{ out: string; problems: string[] }> };
  const labels = cases().map((c) => c.label);
  assert.deepEqual(
    Object.fromEntries(judged.map((v, i) => [labels[i], v.problems])),
    Object.fromEntries(labels.map((l) => [l, []])),
  );
  // The shapes of what was written, beyond torch's view of it.
  assert.ok(results.get('nanoGPT → shards of 8 KB')!.files.length > 2, 'the small shard size splits the model');
  assert.deepEqual(results.get('nanoGPT (tied lm_head) → .pt')!.ties, [{ name: 'lm_head.weight', sameAs: 'transformer.wte.weight' }]);
  assert.equal(results.get('safetensors → one-shard folder')!.files.length, 1);
  assert.deepEqual(results.get('plain loop → .pt')!.dropped.sort(), ['best_metric', 'config', 'epoch', 'global_step', 'metrics', 'optimizer_state_dict', 'scheduler_state_dict']);
});
