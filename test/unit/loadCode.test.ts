// The load and resume code written for a file: the keys it really has, weights_only=True with the
// right warning, map_location for accelerator files, the wrapper strip. Then Debian's torch runs
// the load code on fixtures torch 1.13 can load that way, and must get exactly the model's
// tensors; on a hostile file it must refuse, running nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCode, pyAccess, resumeCode } from '../../src/core/code/loadCode';
import type { InspectReport } from '../../src/core/inspect/report';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { MODEL_STUB } from './support/modelStub';

const root = join(__dirname, '..', '..', '..');
const fixture = (p: string): string => join(root, 'test', 'fixtures', p);
const PYTHON = '/usr/bin/python3';

async function reportOf(path: string): Promise<InspectReport> {
  const session = await CheckpointSession.open({ kind: 'file', path });
  try {
    return session.summary();
  } finally {
    await session.close();
  }
}

async function codeFor(rel: string): Promise<{ path: string; load: string; resume: string }> {
  const path = fixture(rel);
  const report = await reportOf(path);
  return { path, load: loadCode(report, path), resume: resumeCode(report, path) };
}

function lines(code: string): string[] {
  return code.split('\n').filter((l) => l && !l.startsWith('#'));
}

test('a plain loop: model_state_dict, weights_only=True, and the float warning for torch < 2.4', async () => {
  const { path, load, resume } = await codeFor('workspace/checkpoints/best.pt');
  assert.deepEqual(lines(load), ['import torch', `path = ${JSON.stringify(path)}`, 'ckpt = torch.load(path, weights_only=True)', 'state_dict = ckpt["model_state_dict"]', 'model.load_state_dict(state_dict)', 'model.eval()']);
  assert.match(load, /# torch < 2\.4 refuses this file with weights_only=True: it holds Python floats \(/);
  assert.deepEqual(lines(resume).slice(3), [
    'model_state = ckpt["model_state_dict"]',
    'model.load_state_dict(model_state)',
    'optimizer.load_state_dict(ckpt["optimizer_state_dict"])',
    'scheduler.load_state_dict(ckpt["scheduler_state_dict"])',
    'start_epoch = ckpt["epoch"] + 1',
    'global_step = ckpt["global_step"]',
    'best_metric = ckpt["best_metric"]',
  ]);
});

test('nanoGPT and Lightning: their own keys, Lightning\'s lists indexed', async () => {
  const nano = await codeFor('workspace/out/ckpt.pt');
  assert.ok(lines(nano.load).includes('state_dict = ckpt["model"]'));
  for (const l of ['optimizer.load_state_dict(ckpt["optimizer"])', 'global_step = ckpt["iter_num"]', 'best_metric = ckpt["best_val_loss"]']) assert.ok(lines(nano.resume).includes(l), l);
  const lightning = await codeFor('workspace/lightning/epoch=1-step=20.ckpt');
  assert.ok(lines(lightning.load).includes('state_dict = ckpt["state_dict"]'));
  for (const l of ['optimizer.load_state_dict(ckpt["optimizer_states"][0])', 'scheduler.load_state_dict(ckpt["lr_schedulers"][0])', 'start_epoch = ckpt["epoch"] + 1', 'global_step = ckpt["global_step"]']) {
    assert.ok(lines(lightning.resume).includes(l), l);
  }
  assert.match(lightning.resume, /trainer\.fit\(model, ckpt_path=path\)/);
});

test('a file saved on cuda or mps gets map_location; a CPU file does not', async () => {
  for (const rel of ['formats/saved_on_cuda.pt', 'formats/saved_on_mps.pt']) {
    const { load } = await codeFor(rel);
    assert.ok(lines(load).includes('ckpt = torch.load(path, map_location="cpu", weights_only=True)'), rel);
    assert.match(load, /# Saved on (cuda:0|mps)/);
  }
  assert.doesNotMatch((await codeFor('workspace/checkpoints/best.pt')).load, /map_location/);
});

test('a flat state dict with torch.compile\'s or DDP\'s prefix is loaded whole and stripped', async () => {
  const nanochat = await codeFor('nanochat/mid_checkpoints/d4/model_000100.pt');
  assert.ok(lines(nanochat.load).includes('state_dict = ckpt  # a flat state dict: the file is the weights'));
  assert.ok(lines(nanochat.load).includes('state_dict = {k.removeprefix("_orig_mod."): v for k, v in state_dict.items()}'));
  assert.match(nanochat.resume, /nanochat keeps the optimizer beside it, in optim_<step>_rank<r>\.pt/);
  const ddp = await codeFor('compare/layouts/ddp.pt');
  assert.ok(lines(ddp.load).includes('state_dict = {k.removeprefix("module."): v for k, v in state_dict.items()}'));
  assert.doesNotMatch((await codeFor('workspace/checkpoints/best.pt')).load, /removeprefix/);
});

test('hostile and suspicious files keep weights_only=True, with a warning that names what loading would run', async () => {
  const hostile = await codeFor('hostile/os_system.pt');
  assert.match(hostile.load, /# DANGER: os_system\.pt would run code when loaded with weights_only=False: posix\.system\('touch [^']+'\)/);
  assert.ok(lines(hostile.load).includes('ckpt = torch.load(path, weights_only=True)'));
  assert.doesNotMatch(hostile.load, /weights_only=False\)/);
  const suspicious = await codeFor('formats/pyvalues.pt');
  assert.match(suspicious.load, /# WARNING: weights_only=True refuses pyvalues\.pt: it names argparse\.Namespace/);
  assert.match(suspicious.load, /add_safe_globals/);
});

test('safetensors loads with safetensors.torch, TorchScript with torch.jit.load and a warning', async () => {
  const st = await codeFor('workspace/hf/checkpoint-100/model.safetensors');
  assert.deepEqual(lines(st.load).slice(0, 3), ['from safetensors.torch import load_file', `path = ${JSON.stringify(st.path)}`, 'state_dict = load_file(path, device="cpu")']);
  assert.match(st.resume, /safetensors holds weights only/);
  const ts = await codeFor('formats/torchscript.pt');
  assert.ok(lines(ts.load).includes('model = torch.jit.load(path, map_location="cpu")'));
  assert.match(ts.load, /torch\.jit\.load runs its code/);
});

test('report paths become Python subscripts: indices for lists, keys with dots kept whole', async () => {
  const report = await reportOf(fixture('workspace/lightning/epoch=1-step=20.ckpt'));
  assert.equal(pyAccess('ckpt', 'optimizer_states.0', report), 'ckpt["optimizer_states"][0]');
  assert.equal(pyAccess('ckpt', 'state_dict', report), 'ckpt["state_dict"]');
  assert.equal(pyAccess('ckpt', '', report), 'ckpt');
});

/** The driver around generated code: a `model` that keeps what it is given, then a check against torch's full load of the (trusted) fixture. */
function driver(code: string, reference: { key: string; strip: string[] }): string {
  return `
${MODEL_STUB}${code}
full = torch.load(path, map_location="cpu", weights_only=False)
want = full if ${JSON.stringify(reference.key)} == "" else full[${JSON.stringify(reference.key)}]
strip = ${JSON.stringify(reference.strip)}
def bare(k):
    for p in strip:
        if k.startswith(p):
            return k[len(p):]
    return k
want = {bare(k): v for k, v in want.items()}
problems = [k for k in want if k not in model.sd or not torch.equal(model.sd[k], want[k]) or model.sd[k].dtype != want[k].dtype]
problems += [k for k in model.sd if k not in want]
print(json.dumps({"tensors": len(model.sd), "problems": problems}))
`;
}

test('Debian\'s torch runs the load code on files torch 1.13 loads with weights_only=True, and gets exactly the model\'s tensors', async () => {
  const cases = [
    { rel: 'nanochat/mid_checkpoints/d4/model_000100.pt', key: '', strip: ['_orig_mod.'] },
    { rel: 'compare/layouts/ddp.pt', key: '', strip: ['module.'] },
    { rel: 'compare/layouts/compiled.pt', key: '', strip: ['_orig_mod.'] },
    { rel: 'compare/layouts/wrapped.pt', key: 'model_state_dict', strip: [] },
    { rel: 'workspace/hf/checkpoint-100/pytorch_model.bin', key: '', strip: [] },
  ];
  for (const c of cases) {
    const { load } = await codeFor(c.rel);
    const run = spawnSync(PYTHON, ['-c', driver(load, c)], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${c.rel}: ${run.stderr}`);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { tensors: number; problems: string[] };
    assert.ok(out.tensors > 0, `${c.rel}: no tensors loaded`);
    assert.deepEqual(out.problems, [], c.rel);
  }
});

test('the load code for a hostile file makes torch refuse it, and nothing runs', async () => {
  const { load } = await codeFor('hostile/os_system.pt');
  const marker = /touch ([^']+)'/.exec(load)![1]!;
  const before = existsSync(marker);
  const run = spawnSync(PYTHON, ['-c', `class Model:\n    pass\nmodel = Model()\n${load}`], { encoding: 'utf8' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /UnpicklingError|Weights only load failed/);
  if (!before) assert.equal(existsSync(marker), false, 'the command did not run');
});

test('every snippet is valid Python', async () => {
  const rels = ['workspace/checkpoints/best.pt', 'workspace/out/ckpt.pt', 'workspace/lightning/epoch=1-step=20.ckpt', 'formats/saved_on_cuda.pt', 'formats/legacy.pt', 'formats/pyvalues.pt', 'formats/torchscript.pt', 'hostile/os_system.pt', 'workspace/hf/checkpoint-100/model.safetensors', 'nanochat/mid_checkpoints/d4/model_000100.pt'];
  const sources: string[] = [];
  for (const rel of rels) {
    const { load, resume } = await codeFor(rel);
    sources.push(load, resume);
  }
  const run = spawnSync(PYTHON, ['-c', 'import ast, json, sys\nfor s in json.load(sys.stdin): ast.parse(s)\nprint("ok")'], { input: JSON.stringify(sources), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});
