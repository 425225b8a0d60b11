// A nanochat step as one checkpoint (test/fixtures/build_nanochat.py: model_<step>.pt, meta_<step>.json
// and optim_<step>_rank<r>.pt for 2 ranks, written by torch as nanochat's save_checkpoint writes
// them). Named by its meta file, the step opens whole: the model file's tree under `model`, each
// rank's under `optim_rank<r>`, every tensor recording its file, with the same bytes as the files
// read alone; the model and optimizer files named themselves still open alone. Compare and export
// take the step too; export writes the model's weights alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openCompareSide } from '../../src/core/compare/compareSide';
import { compareCheckpoints } from '../../src/core/compare/compareCheckpoints';
import { loadCode, resumeCode } from '../../src/core/code/loadCode';
import { stepFilesGlob } from '../../src/core/checkpoint/nanochatNames';
import { CheckpointError } from '../../src/core/errors';
import { defaultExportPath } from '../../src/core/export/exportChoices';
import type { InspectReport } from '../../src/core/inspect/report';
import { listRoot } from '../../src/core/listing/listRoot';
import { buildTree, flattenTree } from '../../src/core/listing/listingTree';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { inspectFile } from '../../src/core/session/inspectFile';
import { MODEL_STUB } from './support/modelStub';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const home = join(root, 'test', 'fixtures', 'nanochat');
const d4 = join(home, 'base_checkpoints', 'd4');
const at = (name: string): string => join(d4, name);
const scratch = mkdtempSync(join(tmpdir(), 'nanochat-step-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The step's files, each as it opens alone, with the key it goes under. */
const PARTS = [
  ['model', 'model_000200.pt'],
  ['optim_rank0', 'optim_000200_rank0.pt'],
  ['optim_rank1', 'optim_000200_rank1.pt'],
] as const;

async function alone(sha256 = false): Promise<Array<{ key: string; file: string; report: InspectReport }>> {
  return Promise.all(PARTS.map(async ([key, file]) => ({ key, file, report: await inspectFile(at(file), { sha256, sidecars: false }) })));
}

test('meta_<step>.json opens the step whole: its files\' tensors, sizes and bytes summed, each tensor with its file', async () => {
  const step = await inspectFile(at('meta_000200.json'));
  const parts = await alone();
  assert.deepEqual(
    step.tensors.map((t) => [t.path, t.dtype, t.shape, t.nbytes, t.file]),
    parts.flatMap(({ key, file, report }) => report.tensors.map((t) => [`${key}.${t.path}`, t.dtype, t.shape, t.nbytes, file])),
  );
  assert.equal(step.tensors.length, 26 + 30 + 30);
  assert.equal(step.tensorBytes, parts.reduce((n, p) => n + p.report.tensorBytes, 0));
  assert.equal(step.parameters, parts.reduce((n, p) => n + p.report.parameters, 0));
  assert.equal(step.size, PARTS.reduce((n, [, file]) => n + statSync(at(file)).size, 0));
  assert.deepEqual(step.shards, {
    index: 'step 000200',
    files: parts.map(({ file, report }) => ({ file, size: report.size, tensors: report.tensors.length, tensorBytes: report.tensorBytes })),
  });
  assert.deepEqual(step.keys.map((k) => [k.key, k.tensors]), [['model', 26], ['optim_rank0', 30], ['optim_rank1', 30]]);
  assert.equal(step.modelKey, 'model');
  assert.equal(step.modelParameters, parts[0]!.report.modelParameters);
  assert.deepEqual(step.optimizers?.map((o) => o.path), ['optim_rank0.0', 'optim_rank0.1', 'optim_rank1.0', 'optim_rank1.1']);
  // meta_<step>.json is the sidecar, as for the model file alone.
  assert.equal(step.step, 200);
  assert.deepEqual(step.metrics, { val_bpb: 1.7102 });
  assert.equal(step.architecture?.n_layer, 4);
  assert.equal(step.sidecar?.file, 'meta_000200.json');
  assert.ok(step.notes.includes('nanochat step 200: the model file under "model" and 2 ranks\' optimizer state under "optim_rank0" … "optim_rank1".'), step.notes.join('\n'));
  assert.equal(step.security.verdict, 'safe');
});

test('the step\'s sha256s are the files\' own, in place and on kernel workers (the CLI)', async () => {
  const parts = await alone(true);
  const expected = parts.flatMap(({ key, report }) => report.tensors.map((t) => [`${key}.${t.path}`, t.sha256]));
  const step = await inspectFile(at('meta_000200.json'), { sha256: true });
  assert.deepEqual(step.tensors.map((t) => [t.path, t.sha256]), expected);
  const r = run('inspect', at('meta_000200.json'), '--json', '--sha256');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as InspectReport;
  assert.deepEqual(json.tensors.map((t) => [t.path, t.sha256]), expected);
});

test('the model file and each optimizer file, named themselves, still open alone', async () => {
  const model = await inspectFile(at('model_000200.pt'));
  assert.equal(model.shards, undefined);
  assert.equal(model.tensors.length, 26);
  assert.ok(model.tensors.every((t) => t.file === undefined && !t.path.startsWith('model.')));
  assert.equal(model.step, 200);
  const optim = await inspectFile(at('optim_000200_rank1.pt'));
  assert.equal(optim.shards, undefined);
  assert.equal(optim.tensors.length, 30);
});

test('CLI inspect --json of meta_<step>.json gives the step, each tensor with its "file"', () => {
  const r = run('inspect', at('meta_000100.json'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as InspectReport;
  assert.deepEqual(report.shards?.files.map((f) => f.file), ['model_000100.pt', 'optim_000100_rank0.pt', 'optim_000100_rank1.pt']);
  const files = new Map<string, number>();
  for (const t of report.tensors) files.set(t.file!, (files.get(t.file!) ?? 0) + 1);
  assert.deepEqual([...files], [['model_000100.pt', 26], ['optim_000100_rank0.pt', 30], ['optim_000100_rank1.pt', 30]]);
  assert.equal(report.step, 100);
});

test('a run folder is refused with the names that open one step', async () => {
  await assert.rejects(inspectFile(d4), (err: unknown) => err instanceof CheckpointError && /d4 is a nanochat run folder \(steps 100, 200, 300\): name one step, by its meta_000300\.json for the whole step .* or its model_000300\.pt for the model alone/.test(err.message));
  const r = run('inspect', d4);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /meta_000300\.json for the whole step/);
});

/** A folder with some of step 200's files. */
function partial(...names: string[]): string {
  const dir = mkdtempSync(join(scratch, 'partial-'));
  for (const n of names) copyFileSync(at(n), join(dir, n));
  return dir;
}

test('a gap in the ranks is an error naming the missing file; so is a missing model file', async () => {
  const noRank0 = partial('model_000200.pt', 'meta_000200.json', 'optim_000200_rank1.pt');
  await assert.rejects(inspectFile(join(noRank0, 'meta_000200.json')), (err: unknown) => err instanceof CheckpointError && err.code === 'missing-record' && /^optim_000200_rank0\.pt is missing: partial-\w+ has optim_000200_rank1\.pt for step 200/.test(err.message));
  const noModel = partial('meta_000200.json', 'optim_000200_rank0.pt', 'optim_000200_rank1.pt');
  await assert.rejects(inspectFile(join(noModel, 'meta_000200.json')), (err: unknown) => err instanceof CheckpointError && /^model_000200\.pt is missing: meta_000200\.json names step 200/.test(err.message));
  const r = run('inspect', join(noRank0, 'meta_000200.json'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /optim_000200_rank0\.pt is missing/);
});

test('a step without optimizer files (RL) opens as its model alone', async () => {
  const rl = join(home, 'chatrl_checkpoints', 'd4');
  const step = await inspectFile(join(rl, 'meta_000020.json'));
  const model = await inspectFile(join(rl, 'model_000020.pt'));
  assert.deepEqual(step.keys.map((k) => k.key), ['model']);
  assert.deepEqual(step.tensors.map((t) => [t.path, t.file]), model.tensors.map((t) => [`model.${t.path}`, 'model_000020.pt']));
  assert.deepEqual(step.shards?.files.map((f) => f.file), ['model_000020.pt']);
  assert.match(step.notes[0]!, /the step saved no optimizer state/);
});

test('compare takes two steps as one checkpoint each: the model and every rank\'s optimizer state', async () => {
  const a = await openCompareSide({ kind: 'file', path: at('meta_000100.json') });
  const b = await openCompareSide({ kind: 'file', path: at('meta_000200.json') });
  try {
    const report = await compareCheckpoints(a.side, b.side, {});
    assert.equal(report.equal, false);
    assert.deepEqual(report.only_in_a, []);
    assert.deepEqual(report.only_in_b, []);
    assert.equal(report.changed.length, 26);
    assert.ok(report.changed.every((c) => c.path.startsWith('model.') && c.file === 'model_000100.pt' && c.file_b === 'model_000200.pt'));
    // Each rank's optimizer state against the same rank's, file by file.
    assert.equal(report.optimizer.changed.length, 60);
    for (const c of report.optimizer.changed) {
      const rank = /^optim_rank(\d)\./.exec(c.path)![1];
      assert.deepEqual([c.file, c.file_b], [`optim_000100_rank${rank}.pt`, `optim_000200_rank${rank}.pt`]);
    }
    assert.deepEqual(report.optimizer.values.map((v) => [v.key, v.a, v.b]), [['optim_rank0.0.step', 2, 4], ['optim_rank1.0.step', 2, 4]]);
    assert.ok(report.values.some((v) => v.key === 'step'), JSON.stringify(report.values));
  } finally {
    await a.close();
    await b.close();
  }
  const same = run('compare', at('meta_000200.json'), at('meta_000200.json'), '--json');
  assert.equal(same.status, 0, same.stderr);
  const identical = JSON.parse(same.stdout) as { identical: string[]; optimizer: { identical: string[] } };
  assert.deepEqual([identical.identical.length, identical.optimizer.identical.length], [26, 60]);
  const differ = run('compare', at('meta_000100.json'), at('meta_000200.json'));
  assert.equal(differ.status, 1, differ.stderr);
  assert.match(differ.stdout, /model\.lm_head\.weight .*\[A: model_000100\.pt, B: model_000200\.pt\]/);
});

/** A safetensors file's header and its data. */
function safetensorsParts(path: string): { header: Record<string, unknown>; data: Buffer } {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>, data: bytes.subarray(8 + n) };
}

test('export of a step writes the model\'s weights alone, as export of its model file does', () => {
  const fromStep = join(scratch, 'step.safetensors');
  const fromModel = join(scratch, 'model.safetensors');
  const r = run('export', at('meta_000200.json'), fromStep, '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { weightsKey: string; dropped: string[]; tensors: number; sourceBytes: number };
  assert.equal(result.weightsKey, 'model');
  assert.deepEqual(result.dropped, ['optim_rank0', 'optim_rank1']);
  assert.equal(result.tensors, 26);
  assert.equal(run('export', at('model_000200.pt'), fromModel).status, 0);
  const step = safetensorsParts(fromStep);
  const model = safetensorsParts(fromModel);
  assert.deepEqual(step.header, model.header);
  assert.deepEqual((step.header.__metadata__ as Record<string, string>).source, 'model_000200.pt');
  assert.ok(step.data.equals(model.data));
  const pt = run('export', at('meta_000200.json'), join(scratch, 'step.pt'));
  assert.equal(pt.status, 0, pt.stderr);
  assert.match(pt.stdout, /26 tensors from "model"/);
});

test('export never writes over one of the step\'s files, even with --force', () => {
  const dir = partial('model_000200.pt', 'meta_000200.json', 'optim_000200_rank0.pt', 'optim_000200_rank1.pt');
  const before = readFileSync(join(dir, 'optim_000200_rank1.pt'));
  const r = run('export', join(dir, 'meta_000200.json'), join(dir, 'optim_000200_rank1.pt'), '--force');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /optim_000200_rank1\.pt is one of the source checkpoint's files: an export never writes over its source/);
  assert.ok(readFileSync(join(dir, 'optim_000200_rank1.pt')).equals(before));
});

test('the proposed export of a step is named for its model file', () => {
  assert.equal(defaultExportPath(at('meta_000200.json'), 'safetensors'), at('model_000200.safetensors'));
  assert.equal(defaultExportPath(at('meta_000200.json'), 'pt'), at('model_000200-weights.pt'));
});

test('the tree\'s step node inspects the whole step through its meta file; its files and RL steps open their own file', async () => {
  const listing = await listRoot(home);
  const nodes = flattenTree(buildTree([{ listing, label: 'nanochat home' }])).map((n) => n.node);
  const step = nodes.find((n) => n.type === 'checkpoint' && n.path?.startsWith(d4) && n.label === 'step 000200')!;
  assert.equal(step.inspectPath, at('meta_000200.json'));
  assert.equal(step.openPath, at('model_000200.pt'));
  assert.deepEqual(step.children.map((c) => [c.label, c.openPath, c.inspectPath]), [
    ['model_000200.pt', at('model_000200.pt'), undefined],
    ['meta_000200.json', at('meta_000200.json'), undefined],
    ['optim_000200_rank0.pt', at('optim_000200_rank0.pt'), undefined],
    ['optim_000200_rank1.pt', at('optim_000200_rank1.pt'), undefined],
  ]);
  const rl = nodes.find((n) => n.type === 'checkpoint' && n.path?.includes('chatrl_checkpoints') && n.label === 'step 000020')!;
  assert.equal(rl.inspectPath, undefined);
  assert.ok(rl.openPath?.endsWith('model_000020.pt'));
});

test('a session on the step reads every tensor\'s bytes from its own file', async () => {
  const session = await CheckpointSession.open({ kind: 'file', path: at('meta_000200.json') });
  const single = await CheckpointSession.open({ kind: 'file', path: at('optim_000200_rank1.pt') });
  try {
    const path = 'state.23.momentum_buffer';
    const read = async (s: CheckpointSession, p: string) => {
      const parts: Buffer[] = [];
      for await (const c of s.tensorBytes(p)) parts.push(Buffer.from(c));
      return Buffer.concat(parts);
    };
    assert.ok((await read(session, `optim_rank1.1.${path}`)).equals(await read(single, `1.${path}`)));
    assert.deepEqual(await session.stats(`optim_rank1.1.${path}`), await single.stats(`1.${path}`));
  } finally {
    await session.close();
    await single.close();
  }
});

test('CLI stats of a step\'s tensor are those of the tensor in its own file; --help names the step\'s entry point', () => {
  const step = run('stats', at('meta_000200.json'), '--tensor', 'optim_rank1.1.state.23.momentum_buffer', '--json');
  const own = run('stats', at('optim_000200_rank1.pt'), '--tensor', '1.state.23.momentum_buffer', '--json');
  assert.equal(step.status, 0, step.stderr);
  const [a, b] = [step, own].map((r) => (JSON.parse(r.stdout) as { tensors: Array<Record<string, unknown>> }).tensors[0]!);
  assert.equal(a!.path, 'optim_rank1.1.state.23.momentum_buffer');
  assert.equal(a!.count, 1024);
  assert.deepEqual({ ...a, path: '' }, { ...b, path: '' });
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stderr, /a nanochat step's meta_<step>\.json \(the whole step: model_<step>\.pt and every\n\s+optim_<step>_rank<r>\.pt; model_<step>\.pt or one optim file named itself opens alone\)/);
});

test('load and resume code for a step read its files as nanochat does; Debian\'s torch runs the load code to the model file\'s tensors', async () => {
  const meta = join(home, 'mid_checkpoints', 'd4', 'meta_000100.json');
  const report = await inspectFile(meta);
  const load = loadCode(report, meta);
  const resume = resumeCode(report, meta);
  assert.match(load, /model_state = torch\.load\(os\.path\.join\(folder, "model_000100\.pt"\), weights_only=True\)/);
  assert.match(load, /model_state = \{k\.removeprefix\("_orig_mod\."\): v for k, v in model_state\.items\(\)\}/);
  assert.doesNotMatch(load, /meta_000100\.json"\), weights_only/);
  assert.match(resume, /optimizer_data = torch\.load\(os\.path\.join\(folder, f"optim_000100_rank\{rank\}\.pt"\), weights_only=True\)/);
  assert.match(resume, /for optimizer, state in zip\(optimizers, optimizer_data\):/);
  const driver = `${MODEL_STUB}${load}
want = torch.load(os.path.join(folder, "model_000100.pt"), weights_only=False)
want = {k.removeprefix("_orig_mod."): v for k, v in want.items()}
print(json.dumps({"tensors": len(model.sd), "problems": [k for k in want if k not in model.sd or not torch.equal(model.sd[k], want[k])]}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', driver], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { tensors: 26, problems: [] });
  const parsed = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys\nast.parse(sys.stdin.read())\nprint("ok")'], { input: resume, encoding: 'utf8' });
  assert.equal(parsed.stdout.trim(), 'ok', parsed.stderr);
});

test('the inspector of a step watches every file of the step', () => {
  assert.equal(stepFilesGlob('meta_000200.json'), '{model_000200.pt,meta_000200.json,optim_000200_rank*.pt}');
  assert.equal(stepFilesGlob('model_000200.pt'), undefined);
});

test('a step is its meta file\'s digits: a file of the same step number written otherwise is not one of its files', async () => {
  const dir = partial('model_000200.pt', 'meta_000200.json', 'optim_000200_rank0.pt');
  copyFileSync(at('optim_000200_rank1.pt'), join(dir, 'optim_0000200_rank1.pt'));
  const step = await inspectFile(join(dir, 'meta_000200.json'));
  assert.deepEqual(step.shards?.files.map((f) => f.file), ['model_000200.pt', 'optim_000200_rank0.pt']);
});

test('export of any checkpoint of many files refuses each of its files as a target: a sharded set\'s second shard', () => {
  const dir = join(scratch, 'hf');
  cpSync(join(root, 'test', 'fixtures', 'sharded', 'hf_safetensors'), dir, { recursive: true });
  const shard = join(dir, 'model-00002-of-00003.safetensors');
  const before = readFileSync(shard);
  const r = run('export', dir, shard, '--force');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /model-00002-of-00003\.safetensors is one of the source checkpoint's files: an export never writes over its source/);
  assert.ok(readFileSync(shard).equals(before));
});
