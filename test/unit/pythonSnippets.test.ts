// The Python snippets the extension contributes, run as a user would paste them: each one with its
// placeholders at their defaults, by Debian's torch on a tiny model in a temp folder. Then the
// listing and `inspect` must read the layout they wrote, and a file exported from it must load
// for inference with weights_only=True.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';

interface Snippet {
  prefix: string;
  body: string[];
  description: string;
}

const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'python.json'), 'utf8')) as Record<string, Snippet>;

/** The snippet's text as inserted with every placeholder left at its default. */
function expand(prefix: string): string {
  const s = Object.values(snippets).find((x) => x.prefix === prefix);
  assert.ok(s, `no snippet ${prefix}`);
  return s.body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

const TINY = `
import json, os, sys
import torch
torch.manual_seed(0)
def tiny():
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    return model, opt, sched
def train(model, opt, sched, steps=5):
    for _ in range(steps):
        loss = model(torch.randn(16, 4)).pow(2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    sched.step()
    return float(loss)
`;

/** Runs the snippets' code followed by a driver, one python process, in `cwd`; returns its last printed JSON. */
function runPython(code: string, cwd: string): Record<string, unknown> {
  const r = spawnSync(PYTHON, ['-c', code], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

function node(...args: string[]): unknown {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'snippets-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('package.json contributes the snippets for python', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { snippets: Array<{ language: string; path: string }> } };
  assert.deepEqual(manifest.contributes.snippets, [{ language: 'python', path: './snippets/python.json' }]);
  assert.deepEqual(Object.values(snippets).map((s) => s.prefix).sort(), ['ckpt-atomic-save', 'ckpt-keep-best', 'ckpt-load-inference', 'ckpt-resume', 'ckpt-save']);
});

test('save, resume, atomic save and keep-best-K write a layout the listing and inspect read', () => {
  const code = [
    TINY,
    expand('ckpt-save'),
    expand('ckpt-resume'),
    expand('ckpt-atomic-save'),
    expand('ckpt-keep-best'),
    `
ckpt_dir = "checkpoints"
model, opt, sched = tiny()
best, step, losses = None, 0, [0.9, 0.5, 0.7]
for epoch, val in enumerate(losses, start=1):
    train(model, opt, sched); step += 5
    is_best = best is None or val < best
    best = val if is_best else best
    save_checkpoint(ckpt_dir, model, opt, sched, epoch, step, {"val_loss": val}, best, is_best)
model2, opt2, sched2 = tiny()
start, resumed_step, resumed_best = resume_checkpoint(ckpt_dir, model2, opt2, sched2)
same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), model2.state_dict().values()))
atomic_save({"model_state_dict": model.state_dict(), "epoch": 9}, "atomic/last.pt")
manager = CheckpointManager("kept", k=2)
m, o, s = tiny()
for epoch, val in enumerate([0.9, 0.5, 0.7, 0.4, 0.6], start=1):
    train(m, o, s)
    manager.save(m, o, s, epoch, epoch * 5, {"val_loss": val})
print(json.dumps({"start": start, "step": resumed_step, "best": resumed_best, "same": same, "lr": opt2.param_groups[0]["lr"], "lr_saved": opt.param_groups[0]["lr"], "atomic": sorted(os.listdir("atomic"))}))
`,
  ].join('\n');
  const r = runPython(code, dir);
  assert.deepEqual(r, { start: 4, step: 15, best: 0.5, same: true, lr: r.lr_saved, lr_saved: r.lr_saved, atomic: ['last.pt'] });

  const names = (folder: string) => readdirSync(join(dir, folder)).sort();
  assert.deepEqual(names('checkpoints'), ['best.pt', 'epoch_1.pt', 'epoch_2.pt', 'epoch_3.pt', 'last.pt']);
  assert.deepEqual(names('kept'), ['best.pt', 'epoch_2.pt', 'epoch_4.pt', 'last.pt']);

  const listing = node('list', join(dir, 'kept'), '--json') as { runs: Array<{ checkpoints: Array<{ name: string; epoch?: number }> }> };
  const listed = listing.runs.flatMap((run) => run.checkpoints.map((c) => [c.name, c.epoch ?? null]));
  assert.deepEqual(listed.sort(), [['best.pt', null], ['epoch_2.pt', 2], ['epoch_4.pt', 4], ['last.pt', null]].sort());

  const best = node('inspect', join(dir, 'kept', 'best.pt'), '--json') as { epoch: number; step: number; metrics: Record<string, number>; security: { verdict: string }; optimizers: unknown[] };
  assert.deepEqual([best.epoch, best.step, best.metrics.val_loss, best.metrics.best_metric, best.security.verdict, best.optimizers.length], [4, 20, 0.4, 0.4, 'safe', 1]);
  const last = node('inspect', join(dir, 'checkpoints', 'last.pt'), '--json') as { epoch: number; step: number; metrics: Record<string, number> };
  assert.deepEqual([last.epoch, last.step, last.metrics.val_loss, last.metrics.best_metric], [3, 15, 0.7, 0.5]);
});

test('load-for-inference takes a file exported from best.pt with weights_only=True and gives the same model', () => {
  node('export', join(dir, 'checkpoints', 'best.pt'), join(dir, 'model.pt'), '--json');
  const code = [
    TINY,
    expand('ckpt-load-inference'),
    `
model, _, _ = tiny()
load_for_inference(model, "model.pt")
saved = torch.load("checkpoints/best.pt", map_location="cpu")["model_state_dict"]
print(json.dumps({"same": all(torch.equal(saved[k], v) for k, v in model.state_dict().items()), "training": model.training}))
`,
  ].join('\n');
  assert.deepEqual(runPython(code, dir), { same: true, training: false });
});
