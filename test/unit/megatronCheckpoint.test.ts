// A Megatron-LM iteration opens as one checkpoint (fixtures: test/fixtures/megatron/make_megatron.py,
// written as save_checkpoint writes them, with truth.json saying what torch.load saw in each
// file): through its folder, one of its rank files, or the save folder whose tracker names it.
// Each rank's state is under its rank's name, every tensor with its file; the tensors and their
// bytes are those of the rank files together; a missing rank file is an error naming it; export
// refuses to pass the unmerged pieces off as a model, and takes one rank's with --key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { CheckpointSession } from '../../src/core/session/checkpointSession';

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'megatron');
const cli = join(repo, 'dist', 'cli.js');

interface TruthFile {
  keys: string[];
  iteration: number;
  tensors: number;
  tensorBytes: number;
  model: Record<string, { dtype: string; shape: number[] }>;
}
const truth = JSON.parse(readFileSync(join(fixtures, 'truth.json'), 'utf8')) as Record<string, TruthFile>;

async function open(path: string): Promise<CheckpointSession> {
  return CheckpointSession.open({ kind: 'file', path }, { sidecar: null });
}

async function bytesOf(session: CheckpointSession, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of session.tensorBytes(path)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const cases = [
  { iter: 'tp2/iter_0000010', ranks: { tp0_pp0: 'mp_rank_00', tp1_pp0: 'mp_rank_01' } },
  { iter: 'tp2pp2/iter_0000030', ranks: { tp0_pp0: 'mp_rank_00_000', tp0_pp1: 'mp_rank_00_001', tp1_pp0: 'mp_rank_01_000', tp1_pp1: 'mp_rank_01_001' } },
  { iter: 'release/release', ranks: { tp0_pp0: 'mp_rank_00' } },
];

for (const { iter, ranks } of cases) {
  test(`${iter} opens as one checkpoint: each rank under its name, the rank files' tensors and bytes`, async () => {
    const session = await open(join(fixtures, iter));
    try {
      const report = session.summary();
      const files = Object.values(ranks).map((dir) => ({ dir, file: `${dir}/model_optim_rng.pt`, truth: truth[`${iter}/${dir}/model_optim_rng.pt`]! }));
      assert.deepEqual(report.shards?.files.map((f) => [f.file, f.tensors, f.tensorBytes]), files.map((f) => [f.file, f.truth.tensors, f.truth.tensorBytes]));
      assert.equal(report.tensors.length, files.reduce((n, f) => n + f.truth.tensors, 0));
      assert.equal(report.tensorBytes, files.reduce((n, f) => n + f.truth.tensorBytes, 0));
      // Keys every rank saved alike once at the top, then one dict per rank.
      assert.deepEqual(report.keys.map((k) => k.key), ['checkpoint_version', 'iteration', 'opt_param_scheduler', 'num_floating_point_operations_so_far', ...Object.keys(ranks)]);
      for (const [name, dir] of Object.entries(ranks)) {
        const own = report.tensors.filter((t) => t.path.startsWith(`${name}.`));
        assert.ok(own.every((t) => t.file === `${dir}/model_optim_rng.pt`), name);
        // The model's pieces as torch saw them in that rank's file: Megatron's split shapes.
        const model = Object.fromEntries(own.filter((t) => t.path.startsWith(`${name}.model.`)).map((t) => [t.path.slice(`${name}.model.`.length), { dtype: t.dtype, shape: t.shape }]));
        assert.deepEqual(model, truth[`${iter}/${dir}/model_optim_rng.pt`]!.model);
      }
      assert.match(report.notes.join('\n'), /does not save which dimension a tensor-parallel weight is split along/);
    } finally {
      await session.close();
    }
  });
}

test('a tensor reads the bytes of its own rank file', async () => {
  const whole = await open(join(fixtures, 'tp2', 'iter_0000010'));
  const rank1 = await open(join(fixtures, 'tp2', 'iter_0000010', 'mp_rank_01', 'model_optim_rng.pt'));
  try {
    // A rank file alone opens the whole iteration too; the same tensor by either path.
    assert.deepEqual(rank1.summary().shards?.index, 'iter_0000010');
    const name = 'model.decoder.layers.1.self_attention.linear_qkv.weight';
    const a = await bytesOf(whole, `tp1_pp0.${name}`);
    const b = await bytesOf(whole, `tp0_pp0.${name}`);
    assert.equal(a.length, 12 * 8 * 2);
    assert.notDeepEqual(a, b);
    assert.deepEqual(await bytesOf(rank1, `tp1_pp0.${name}`), a);
  } finally {
    await whole.close();
    await rank1.close();
  }
});

test('the save folder opens the iteration its latest_checkpointed_iteration.txt names', async () => {
  const session = await open(join(fixtures, 'tp2'));
  try {
    const report = session.summary();
    assert.equal(report.shards?.index, 'iter_0000020');
    assert.equal(report.step, 20);
  } finally {
    await session.close();
  }
});

test('the verdict: suspicious for argparse.Namespace and numpy\'s RNG state, never dangerous, and a note says why', async () => {
  const session = await open(join(fixtures, 'tp2', 'iter_0000020'));
  try {
    const { security, notes } = session.summary();
    assert.equal(security.verdict, 'suspicious');
    assert.deepEqual(security.dangerous, []);
    assert.ok(security.suspicious.includes('argparse.Namespace'));
    assert.match(notes.join('\n'), /args is an argparse\.Namespace .*torch\.load\(weights_only=True\) refuses it/);
  } finally {
    await session.close();
  }
});

test('a missing rank file is an error naming it: a hole in the grid, or a rank args calls for', async () => {
  const fail = async (path: string, message: RegExp): Promise<void> => {
    await assert.rejects(open(path), (err: unknown) => err instanceof CheckpointError && err.code === 'missing-record' && message.test(err.message));
  };
  await fail(join(fixtures, 'missing', 'iter_0000030'), /^iter_0000030\/mp_rank_01_001\/model_optim_rng\.pt is missing: the other rank folders make a 2×2 grid\.$/);
  await fail(join(fixtures, 'missing', 'iter_0000030', 'mp_rank_00_000', 'model_optim_rng.pt'), /^iter_0000030\/mp_rank_01_001\/model_optim_rng\.pt is missing/);
  await fail(join(fixtures, 'missing', 'iter_0000040'), /^iter_0000040\/mp_rank_01\/model_optim_rng\.pt is missing: args in mp_rank_00\/model_optim_rng\.pt says tensor_model_parallel_size 2\.$/);
  // Through the tracker, which names iteration 40.
  await fail(join(fixtures, 'missing'), /^iter_0000040\/mp_rank_01\/model_optim_rng\.pt is missing/);
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-megatron-'));
  try {
    await cp(join(fixtures, 'tp2'), tmp, { recursive: true });
    await writeFile(join(tmp, 'latest_checkpointed_iteration.txt'), '30');
    await fail(tmp, /^iter_0000030 is missing: latest_checkpointed_iteration\.txt names it as the latest checkpoint\.$/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the CLI: inspect --json on the folder gives every tensor its file; export refuses the unmerged pieces, or takes one rank with --key', () => {
  const folder = join(fixtures, 'tp2pp2', 'iter_0000030');
  const r = spawnSync(process.execPath, [cli, 'inspect', '--json', folder], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { tensors: Array<{ path: string; file: string }>; shards: { index: string; files: Array<{ file: string }> } };
  assert.equal(report.shards.index, 'iter_0000030');
  assert.equal(report.shards.files.length, 4);
  const byRank = new Map<string, Set<string>>();
  for (const t of report.tensors) {
    const rank = t.path.split('.')[0]!;
    if (!byRank.has(rank)) byRank.set(rank, new Set());
    byRank.get(rank)!.add(t.file);
  }
  assert.deepEqual([...byRank].map(([rank, files]) => [rank, [...files]]), [
    ['tp0_pp0', ['mp_rank_00_000/model_optim_rng.pt']],
    ['tp0_pp1', ['mp_rank_00_001/model_optim_rng.pt']],
    ['tp1_pp0', ['mp_rank_01_000/model_optim_rng.pt']],
    ['tp1_pp1', ['mp_rank_01_001/model_optim_rng.pt']],
  ]);
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-megatron-export-'));
  try {
    const refused = spawnSync(process.execPath, [cli, 'export', folder, join(tmp, 'out.safetensors')], { encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /a Megatron-LM checkpoint's ranks hold tensor-parallel pieces, which are not merged.*--key tp0_pp0\.model/);
    const one = spawnSync(process.execPath, [cli, 'export', folder, join(tmp, 'rank.safetensors'), '--key', 'tp1_pp1.model', '--json'], { encoding: 'utf8' });
    assert.equal(one.status, 0, one.stderr);
    const rank = truth['tp2pp2/iter_0000030/mp_rank_01_001/model_optim_rng.pt']!;
    const inspected = spawnSync(process.execPath, [cli, 'inspect', '--json', join(tmp, 'rank.safetensors')], { encoding: 'utf8' });
    const written = JSON.parse(inspected.stdout) as { tensors: Array<{ path: string; dtype: string; shape: number[] }> };
    assert.deepEqual(Object.fromEntries(written.tensors.map((t) => [t.path, { dtype: t.dtype, shape: t.shape }])), rank.model);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('compare takes two iterations, rank by rank, each tensor with its files', () => {
  const r = spawnSync(process.execPath, [cli, 'compare', join(fixtures, 'tp2', 'iter_0000010'), join(fixtures, 'tp2', 'iter_0000020')], { encoding: 'utf8' });
  // Exit code 1: the iterations differ.
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /tp1_pp0\.model\.decoder\.layers\.0\.input_layernorm\.bias +float16\[8\].*\[A: mp_rank_01\/model_optim_rng\.pt, B: mp_rank_01\/model_optim_rng\.pt\]/);
});
