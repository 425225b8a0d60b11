// DeepSpeed checkpoint folders (test/fixtures/deepspeed, written by make_deepspeed.py with
// Debian's torch as engine.save_checkpoint lays them out, with truth/<name>.pt the fp32 state dict
// they hold) open as one checkpoint: through the tag folder, the save folder holding `latest`, or
// any of their files. `fp32` holds the weights zero_to_fp32 gathers, bit for bit the truth's, each
// assembled tensor listing its pieces (runs of the flattened tensor) and the rank files they lie
// in. A missing rank's partition, a param_shapes that does not fit the partitions and files that
// disagree on the world size are errors naming the file. The CLI inspects and exports the folder
// (the export checked by Debian's torch), and stats and compare see the assembled tensors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareCheckpoints } from '../../src/core/compare/compareCheckpoints';
import { openCompareSide } from '../../src/core/compare/compareSide';
import { loadCode } from '../../src/core/code/loadCode';
import { CheckpointError } from '../../src/core/errors';
import type { InspectReport } from '../../src/core/inspect/report';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { inspectFile } from '../../src/core/session/inspectFile';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'deepspeed');
const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const check = join(dir, 'check_deepspeed.py');

type Row = [string, string, number[], string | undefined];

function rows(r: InspectReport, prefix = ''): Row[] {
  return r.tensors
    .filter((t) => t.path.startsWith(prefix))
    .map((t): Row => [t.path.slice(prefix.length), t.dtype, t.shape, t.sha256])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

const FIXTURES = [
  ['zero2', 'global_step10/zero_pp_rank_1_mp_rank_00_optim_states.pt', 2],
  ['zero2_bf16', 'global_step10/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt', 2],
  ['zero3', 'global_step10/zero_pp_rank_1_mp_rank_00_model_states.pt', 3],
] as const;

for (const [name, oneFile, stage] of FIXTURES) {
  for (const via of ['the tag folder', 'the folder holding latest', 'one of its files'] as const) {
    test(`${name} through ${via}: fp32 holds the truth's tensors bit for bit (sha256)`, async () => {
      const spec = via === 'the tag folder' ? join(dir, name, 'global_step10') : via === 'one of its files' ? join(dir, name, oneFile) : join(dir, name);
      const truth = await inspectFile(join(dir, 'truth', `${name}.pt`), { sha256: true, sidecars: false });
      const report = await inspectFile(spec, { sha256: true });
      assert.deepEqual(rows(report, 'fp32.'), rows(truth));
      assert.equal(report.modelKey, 'fp32');
      assert.equal(report.shards?.index, 'global_step10');
      assert.match(report.notes.join(' '), new RegExp(`ZeRO stage ${stage}, 2 data-parallel ranks`));
      // The rank-0 model states' own keys are shown as saved.
      for (const key of ['module', 'buffer_names', 'param_shapes', 'frozen_param_shapes', 'shared_params', 'ds_config', 'ds_version', 'optim_states']) {
        assert.ok(report.keys.some((k) => k.key === key), key);
      }
    });
  }
}

test('zero2: each assembled tensor lists its pieces in the rank files, as the partitions cut it', async () => {
  const report = await inspectFile(join(dir, 'zero2'));
  const of = (p: string) => report.tensors.find((t) => t.path === p)!;
  const r0 = 'zero_pp_rank_0_mp_rank_00_optim_states.pt';
  const r1 = 'zero_pp_rank_1_mp_rank_00_optim_states.pt';
  // Group 0 is gate (9), embed.weight (66), lin.weight (36): 111 elements padded to 112, 56 per rank.
  assert.deepEqual(of('fp32.gate').chunks, [{ file: r0, offsets: [0], sizes: [9] }]);
  assert.deepEqual(of('fp32.embed.weight').chunks, [{ file: r0, offsets: [0], sizes: [47] }, { file: r1, offsets: [47], sizes: [19] }]);
  assert.equal(of('fp32.embed.weight').file, `${r0}, ${r1}`);
  assert.deepEqual(of('fp32.lin.weight').chunks, [{ file: r1, offsets: [0], sizes: [36] }]);
  // Group 1 is lin.bias, ln.weight, ln.bias (18, padded to 20: 10 per rank).
  assert.deepEqual(of('fp32.ln.weight').chunks, [{ file: r0, offsets: [0], sizes: [4] }, { file: r1, offsets: [4], sizes: [2] }]);
  // Buffers and frozen parameters as the module saved them; the tied head is embed's tensor.
  assert.equal(of('fp32.pos').file, 'mp_rank_00_model_states.pt');
  assert.equal(of('fp32.pos').dtype, 'float16');
  assert.equal(of('fp32.embed.weight').dtype, 'float32');
  assert.equal(of('module.embed.weight').dtype, 'float16');
  assert.ok(report.tied.some((t) => t.path === 'fp32.head.weight' && t.sameAs === 'fp32.embed.weight'), JSON.stringify(report.tied));
  assert.deepEqual(report.shards!.files.map((f) => f.file), ['mp_rank_00_model_states.pt', r0, r1]);
  // The partitions are shown as chunks, not twice.
  assert.ok(!report.tensors.some((t) => t.path.includes('single_partition_of_fp32_groups')));
});

test('zero3: every parameter is cut in ceil(numel / 2) pieces, one per rank', async () => {
  const report = await inspectFile(join(dir, 'zero3'));
  const of = (p: string) => report.tensors.find((t) => t.path === p)!;
  const r0 = 'bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt';
  const r1 = 'bf16_zero_pp_rank_1_mp_rank_00_optim_states.pt';
  assert.deepEqual(of('fp32.gate').chunks, [{ file: r0, offsets: [0], sizes: [5] }, { file: r1, offsets: [5], sizes: [4] }]);
  assert.deepEqual(of('fp32.embed.weight').chunks, [{ file: r0, offsets: [0], sizes: [33] }, { file: r1, offsets: [33], sizes: [33] }]);
  // The frozen parameter comes from each rank's model states.
  assert.deepEqual(of('fp32.frozen').chunks, [
    { file: 'zero_pp_rank_0_mp_rank_00_model_states.pt', offsets: [0], sizes: [3] },
    { file: 'zero_pp_rank_1_mp_rank_00_model_states.pt', offsets: [3], sizes: [2] },
  ]);
  // The module's partitioned parameters are empty tensors; its buffer is whole.
  assert.deepEqual(of('module.embed.weight').shape, [0]);
  assert.deepEqual(of('module.pos').shape, [5]);
});

const broken: Array<[string, RegExp]> = [
  ['missing_rank', /^zero_pp_rank_1_mp_rank_00_optim_states\.pt is missing: partition_count in zero_pp_rank_0_mp_rank_00_optim_states\.pt says 2 data-parallel ranks/],
  ['bad_shapes', /param_shapes in mp_rank_00_model_states\.pt gives param group 1 58 elements, but its fp32 partitions in zero_pp_rank_0_mp_rank_00_optim_states\.pt, zero_pp_rank_1_mp_rank_00_optim_states\.pt hold 18 \(10 \+ 8\)/],
  ['world_size', /zero_pp_rank_1_mp_rank_00_optim_states\.pt says partition_count 3, but zero_pp_rank_0_mp_rank_00_optim_states\.pt says 2/],
];
for (const [name, message] of broken) {
  test(`broken/${name} is an error that names the file`, async () => {
    const err = await inspectFile(join(dir, 'broken', name)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CheckpointError && message.test(err.message), String(err));
    assert.ok(err.globals?.includes('deepspeed.runtime.fp16.loss_scaler.DynamicLossScaler'), 'what the files named reaches the verdict');
  });
}

test("zero3 without one rank's model states: an error naming the file (its frozen fragment is there)", async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-ds-'));
  try {
    cpSync(join(dir, 'zero3'), join(tmp, 'zero3'), { recursive: true });
    rmSync(join(tmp, 'zero3', 'global_step10', 'zero_pp_rank_1_mp_rank_00_model_states.pt'));
    const err = await inspectFile(join(tmp, 'zero3')).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CheckpointError, String(err));
    assert.match(err.message, /^zero_pp_rank_1_mp_rank_00_model_states\.pt is missing/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a latest that names no tag folder beside it is an error naming latest', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-ds-'));
  try {
    cpSync(join(dir, 'zero2'), join(tmp, 'zero2'), { recursive: true });
    for (const [tag, message] of [['global_step99', /latest names the tag "global_step99", but .* holds no DeepSpeed checkpoint files/], ['../zero2', /latest names "\.\.\/zero2", which is not a tag folder beside it/]] as const) {
      spawnSync('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', tag, join(tmp, 'zero2', 'latest')]);
      const err = await inspectFile(join(tmp, 'zero2')).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof CheckpointError && message.test(err.message), String(err));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the CLI inspects a DeepSpeed folder: each tensor names its file, the assembled ones their chunks', () => {
  const r = spawnSync(process.execPath, [cli, 'inspect', '--json', join(dir, 'zero2')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as InspectReport;
  const fp32 = report.tensors.filter((t) => t.path.startsWith('fp32.'));
  assert.equal(fp32.length, 9);
  assert.ok(report.tensors.every((t) => typeof t.file === 'string' && t.file.length > 0));
  const embed = fp32.find((t) => t.path === 'fp32.embed.weight')!;
  assert.equal(embed.file, 'zero_pp_rank_0_mp_rank_00_optim_states.pt, zero_pp_rank_1_mp_rank_00_optim_states.pt');
  assert.equal(embed.chunks?.length, 2);
  assert.equal(report.tensors.find((t) => t.path === 'module.embed.weight')?.file, 'mp_rank_00_model_states.pt');
});

for (const [name, ext] of [['zero2', 'safetensors'], ['zero3', 'safetensors'], ['zero2_bf16', 'pt']] as const) {
  test(`the CLI exports ${name} to .${ext}: the fp32 weights, equal to the truth in Debian's torch`, () => {
    const out = mkdtempSync(join(tmpdir(), 'cpm-ds-'));
    try {
      const file = join(out, `model.${ext}`);
      const r = spawnSync(process.execPath, [cli, 'export', join(dir, name), file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /9 tensors from "fp32"/);
      const checked = spawnSync('/usr/bin/python3', [check, 'export', file, join(dir, 'truth', `${name}.pt`)], { encoding: 'utf8' });
      assert.equal(checked.status, 0, checked.stdout + checked.stderr);
      assert.equal(checked.stdout.trim(), 'ok 9 tensors');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test("the fixtures hold what they mean to: torch gathers each folder by zero_to_fp32's rules into the truth", () => {
  for (const [name] of FIXTURES) {
    const checked = spawnSync('/usr/bin/python3', [check, 'merge', join(dir, name, 'global_step10'), join(dir, 'truth', `${name}.pt`)], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `${name}: ${checked.stdout}${checked.stderr}`);
  }
});

test('statistics of an assembled tensor are those of the truth', async () => {
  const truth = await CheckpointSession.open({ kind: 'file', path: join(dir, 'truth', 'zero3.pt') }, { sidecar: null });
  const assembled = await CheckpointSession.open({ kind: 'file', path: join(dir, 'zero3') });
  try {
    for (const path of ['gate', 'embed.weight', 'ln.bias', 'frozen']) assert.deepEqual(await assembled.stats(`fp32.${path}`), await truth.stats(path), path);
  } finally {
    await truth.close();
    await assembled.close();
  }
});

test('compare: a DeepSpeed folder and its truth share identical weights', async () => {
  const a = await openCompareSide({ kind: 'file', path: join(dir, 'zero2') });
  const b = await openCompareSide({ kind: 'file', path: join(dir, 'truth', 'zero2.pt') });
  try {
    const report = await compareCheckpoints(a.side, b.side, {});
    assert.deepEqual([...report.identical].sort(), ['embed.weight', 'frozen', 'gate', 'head.weight', 'lin.bias', 'lin.weight', 'ln.bias', 'ln.weight', 'pos'].map((n) => `fp32.${n}`));
    assert.equal(report.changed.length + report.mismatched.length + report.only_in_b.length, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test("Copy load code for a DeepSpeed folder calls zero_to_fp32 on the save folder and tag, never torch.load", async () => {
  for (const path of [join(dir, 'zero3'), join(dir, 'zero3', 'global_step10'), join(dir, 'zero3', 'global_step10', 'zero_pp_rank_0_mp_rank_00_model_states.pt')]) {
    const code = loadCode(await inspectFile(path), path);
    assert.ok(code.includes(`save_dir = ${JSON.stringify(join(dir, 'zero3'))}\n`), code);
    assert.match(code, /state_dict = get_fp32_state_dict_from_zero_checkpoint\(save_dir, tag="global_step10"\)\nmodel\.load_state_dict\(state_dict\)/);
    assert.doesNotMatch(code, /torch\.load/);
    const parsed = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
  }
});
