// The Checkpoints tree in a real extension host, over fresh copies of the fixture nanochat home
// and workspace. Reads the tree through the internal `checkpointManager._testing.treeSnapshot`
// command (plain data), and checks it against what is on disk, read here independently.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, nanochatBaseDir, waitFor, workspaceDir } from './support/fixturePaths';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import type { TreeUpdatesState } from '../../src/extension/treeUpdates';

const SNAPSHOT = 'checkpointManager._testing.treeSnapshot';

async function snapshot(): Promise<NodeSnapshot[]> {
  return (await vscode.commands.executeCommand<NodeSnapshot[]>(SNAPSHOT)) ?? [];
}

async function treeState(): Promise<TreeUpdatesState> {
  const state = await vscode.commands.executeCommand<TreeUpdatesState>('checkpointManager._testing.treeState');
  assert.ok(state, 'the tree state command answers');
  return state;
}

/** The nodes directly below `parent` in a depth-first snapshot. */
function childrenOf(nodes: NodeSnapshot[], parent: NodeSnapshot): NodeSnapshot[] {
  const start = nodes.indexOf(parent);
  const out: NodeSnapshot[] = [];
  for (let i = start + 1; i < nodes.length && nodes[i]!.depth > parent.depth; i++) {
    if (nodes[i]!.depth === parent.depth + 1) out.push(nodes[i]!);
  }
  return out;
}

function rootNode(nodes: NodeSnapshot[], path: string): NodeSnapshot {
  const root = nodes.find((n) => n.type === 'root' && n.path === path);
  assert.ok(root, `a root node for ${path}; roots: ${nodes.filter((n) => n.type === 'root').map((n) => n.path).join(', ')}`);
  return root;
}

/** Steps, sizes and metrics of a nanochat tag folder, read from disk by this test. */
function nanochatTagOnDisk(dir: string): { step: number; bytes: number; metrics: Record<string, number> }[] {
  const byStep = new Map<number, { step: number; bytes: number; metrics: Record<string, number> }>();
  for (const name of readdirSync(dir)) {
    const m = /^(?:model|meta|optim)_(\d+)(?:_rank\d+)?\.(?:pt|json)$/.exec(name);
    if (!m) continue;
    const step = Number(m[1]);
    const entry = byStep.get(step) ?? { step, bytes: 0, metrics: {} };
    entry.bytes += statSync(join(dir, name)).size;
    if (name.startsWith('meta_')) {
      const meta = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { val_bpb?: number };
      if (typeof meta.val_bpb === 'number') entry.metrics.val_bpb = meta.val_bpb;
    }
    byStep.set(step, entry);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function waitForTree(what: string, probe: (nodes: NodeSnapshot[]) => boolean, timeoutMs = 15_000): Promise<NodeSnapshot[]> {
  return waitFor(what, async () => {
    const nodes = await snapshot();
    return probe(nodes) ? nodes : undefined;
  }, timeoutMs, 200);
}

describe('the Checkpoints tree', function () {
  this.timeout(30_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // Watching starts when the tree is first shown.
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
    await waitFor('the tree to watch its roots', async () => ((await treeState()).watched.length > 0 ? true : undefined));
  });

  it('lists the nanochat home as kind → tag, with the kinds and tags on disk', async () => {
    const home = nanochatBaseDir();
    const nodes = await snapshot();
    const root = rootNode(nodes, home);
    assert.equal(root.label, 'nanochat home');
    assert.equal(root.contextValue, 'root.nanochat');
    const kinds = childrenOf(nodes, root).map((n) => [n.type, n.label, childrenOf(nodes, n).map((c) => c.label)]);
    assert.deepEqual(kinds, [
      ['kind', 'Base', ['d2', 'd4']],
      ['kind', 'Mid-training', ['d4']],
      ['kind', 'SFT', ['d4']],
      ['kind', 'RL', ['d4']],
      ['storage', 'Storage usage', ['Base', 'Mid-training', 'SFT', 'RL']],
    ]);
  });

  it('shows every step of every tag with its size, val_bpb and the lowest val_bpb marked best', async () => {
    const home = nanochatBaseDir();
    const nodes = await snapshot();
    const runs = nodes.filter((n) => n.type === 'run' && n.path?.startsWith(home));
    assert.equal(runs.length, 5);
    for (const run of runs) {
      const disk = nanochatTagOnDisk(run.path!);
      const lowest = Math.min(...disk.filter((d) => d.metrics.val_bpb !== undefined).map((d) => d.metrics.val_bpb!));
      const scored = disk.filter((d) => d.metrics.val_bpb !== undefined).length;
      const want = disk.map((d) => ({
        label: `step ${String(d.step).padStart(6, '0')}`,
        step: d.step,
        bytes: d.bytes,
        metrics: d.metrics,
        best: scored >= 2 && d.metrics.val_bpb === lowest,
        contextValue: `checkpoint.nanochat${scored >= 2 && d.metrics.val_bpb === lowest ? '.best' : ''}`,
      }));
      const got = childrenOf(nodes, run).map((c) => ({
        label: c.label,
        step: c.data?.step,
        bytes: c.data?.bytes,
        metrics: c.data?.metrics,
        best: c.data?.best,
        contextValue: c.contextValue,
      }));
      assert.deepEqual(got, want, run.path);
      assert.equal(run.data?.bytes, disk.reduce((n, d) => n + d.bytes, 0));
      assert.match(run.description ?? '', new RegExp(`^${disk.length} checkpoints?( · [0-9.]+ [KMG]?i?B)?$`));
    }
  });

  it('lists the workspace folder: plain files, Lightning, nanoGPT and Hugging Face checkpoints', async () => {
    const ws = workspaceDir();
    const nodes = await snapshot();
    const root = rootNode(nodes, ws);
    assert.equal(root.contextValue, 'root.folder');
    // Other suites share this workspace and may leave scratch folders in it: check the fixture's.
    const fixtureRuns = ['checkpoints', 'hf', 'lightning', 'out'];
    const runs = childrenOf(nodes, root).filter((n) => n.type === 'run' && fixtureRuns.includes(n.label));
    const tree = runs.map((r) => [r.label, childrenOf(nodes, r).map((c) => [c.label, c.data?.step ?? null, c.data?.best, c.data?.bytes])]);
    const size = (...parts: string[]): number => statSync(join(ws, ...parts)).size;
    const dirSize = (...parts: string[]): number => readdirSync(join(ws, ...parts)).reduce((n, f) => n + size(...parts, f), 0);
    assert.deepEqual(tree, [
      [
        'checkpoints',
        [
          ['epoch_1.pt', null, false, size('checkpoints', 'epoch_1.pt')],
          ['epoch_2.pt', null, false, size('checkpoints', 'epoch_2.pt')],
          ['best.pt', null, true, size('checkpoints', 'best.pt')],
          ['last.pt', null, false, size('checkpoints', 'last.pt')],
        ],
      ],
      [
        'hf',
        [
          ['checkpoint-100', 100, true, dirSize('hf', 'checkpoint-100')],
          ['checkpoint-200', 200, false, dirSize('hf', 'checkpoint-200')],
        ],
      ],
      ['lightning', [['epoch=1-step=20.ckpt', 20, false, size('lightning', 'epoch=1-step=20.ckpt')]]],
      ['out', [['ckpt.pt', null, false, size('out', 'ckpt.pt')]]],
    ]);
    const hf100 = nodes.find((n) => n.type === 'checkpoint' && n.label === 'checkpoint-100');
    const state = JSON.parse(readFileSync(join(ws, 'hf', 'checkpoint-100', 'trainer_state.json'), 'utf8')) as {
      log_history: { step: number; eval_loss?: number }[];
    };
    const evalLoss = state.log_history.find((e) => e.step === 100 && e.eval_loss !== undefined)?.eval_loss;
    assert.equal(hf100?.data?.metrics?.eval_loss, evalLoss);
    assert.equal(hf100?.openPath, join(ws, 'hf', 'checkpoint-100', 'model.safetensors'));
  });

  it('shows a checkpoint written on disk without a manual refresh, and drops it when deleted', async () => {
    const d4 = join(nanochatBaseDir(), 'base_checkpoints', 'd4');
    const model = join(d4, 'model_000900.pt');
    const meta = join(d4, 'meta_000900.json');
    const single = join(workspaceDir(), 'checkpoints', 'epoch_3.pt');
    const hasStep = (nodes: NodeSnapshot[]): boolean =>
      nodes.some((n) => n.type === 'checkpoint' && n.path === model && n.data?.step === 900 && n.data.metrics?.val_bpb === 0.5);
    const hasSingle = (nodes: NodeSnapshot[]): boolean => nodes.some((n) => n.type === 'checkpoint' && n.path === single);
    try {
      assert.equal(hasStep(await snapshot()), false);
      writeFileSync(model, Buffer.alloc(4096));
      writeFileSync(meta, JSON.stringify({ step: 900, val_bpb: 0.5 }));
      writeFileSync(single, Buffer.alloc(1024));
      const nodes = await waitForTree('step 900 and epoch_3.pt to appear', (n) => hasStep(n) && hasSingle(n));
      const step900 = nodes.find((n) => n.path === model);
      assert.equal(step900?.data?.best, true, 'the new lowest val_bpb is the best');
      rmSync(model);
      rmSync(meta);
      rmSync(single);
      await waitForTree('step 900 and epoch_3.pt to disappear', (n) => !hasStep(n) && !hasSingle(n) && !n.some((x) => x.label === 'step 000900'));
    } finally {
      rmSync(model, { force: true });
      rmSync(meta, { force: true });
      rmSync(single, { force: true });
    }
  });

  it('does not fail on a half-written meta file: the step shows, without its metric', async () => {
    const d4 = join(nanochatBaseDir(), 'mid_checkpoints', 'd4');
    const model = join(d4, 'model_000777.pt');
    const meta = join(d4, 'meta_000777.json');
    try {
      writeFileSync(model, Buffer.alloc(0));
      writeFileSync(meta, '{"step": 777, "val_b');
      const nodes = await waitForTree('step 777 to appear', (n) => n.some((x) => x.path === model));
      const node = nodes.find((x) => x.path === model);
      assert.deepEqual(node?.data?.metrics, {});
      assert.equal(node?.contextValue, 'checkpoint.nanochat.incomplete');
    } finally {
      rmSync(model, { force: true });
      rmSync(meta, { force: true });
    }
  });

  it('a change relists only the run it touched, and saving other files relists nothing', async () => {
    const ws = workspaceDir();
    const run = join(ws, 'checkpoints');
    const added = join(run, 'epoch_9.pt');
    const others = [join(ws, 'train.py'), join(ws, 'notes.md'), join(ws, 'hf', 'README.md')];
    try {
      const seen = (await treeState()).relists.length;
      // Saves that are no checkpoint come first; the checkpoint ends the test.
      for (const f of others) writeFileSync(f, 'x\n');
      writeFileSync(added, Buffer.alloc(512));
      await waitForTree('epoch_9.pt to appear', (n) => n.some((x) => x.path === added));
      const relists = (await treeState()).relists.slice(seen);
      assert.deepEqual(relists.filter((r) => r.full), [], 'no full relist');
      const touched = [...new Set(relists.flatMap((r) => (r.full ? [] : [...r.runs, ...r.subtrees])).filter((p) => p.startsWith(ws)))];
      assert.deepEqual(touched, [run]);
    } finally {
      for (const f of [added, ...others]) rmSync(f, { force: true });
    }
  });

  it('drops a run folder deleted with its files, and lists a new folder in the nanochat home', async () => {
    const scratch = join(workspaceDir(), 'scratch-run');
    const homeRun = join(nanochatBaseDir(), 'checkpoints');
    const inHome = join(homeRun, 'best.pt');
    try {
      mkdirSync(scratch, { recursive: true });
      mkdirSync(homeRun, { recursive: true });
      writeFileSync(join(scratch, 'last.pt'), Buffer.alloc(256));
      writeFileSync(inHome, Buffer.alloc(256));
      const nodes = await waitForTree('scratch-run and the home\'s checkpoints/ to appear', (n) => n.some((x) => x.path === scratch) && n.some((x) => x.path === inHome));
      const home = rootNode(nodes, nanochatBaseDir());
      assert.deepEqual(
        childrenOf(nodes, home).map((n) => [n.type, n.label]),
        [['kind', 'Base'], ['kind', 'Mid-training'], ['kind', 'SFT'], ['kind', 'RL'], ['run', 'checkpoints'], ['storage', 'Storage usage']],
      );
      // One delete event comes for the folder, none for the file in it.
      rmSync(scratch, { recursive: true });
      await waitForTree('scratch-run to disappear', (n) => !n.some((x) => x.path === scratch));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(homeRun, { recursive: true, force: true });
    }
    await waitForTree("the home's checkpoints/ to disappear", (n) => !n.some((x) => x.path === inHome));
  });

  it('Refresh relists at once, without waiting for the watcher', async () => {
    const config = vscode.workspace.getConfiguration('checkpointManager');
    const d99 = join(nanochatBaseDir(), 'base_checkpoints', 'd99');
    const hasD99 = (nodes: NodeSnapshot[]): boolean => nodes.some((n) => n.type === 'run' && n.path === d99);
    try {
      // The watcher waits 10 s after a change; the snapshot never relists by itself.
      await config.update('refreshDelayMs', 10_000, vscode.ConfigurationTarget.Global);
      await snapshot();
      mkdirSync(d99, { recursive: true });
      writeFileSync(join(d99, 'model_000100.pt'), Buffer.alloc(1024));
      writeFileSync(join(d99, 'meta_000100.json'), JSON.stringify({ step: 100, val_bpb: 1.5 }));
      await vscode.commands.executeCommand('checkpointManager.refresh');
      const nodes = await snapshot();
      assert.equal(hasD99(nodes), true, 'd99 is listed as soon as Refresh returns');
      const relists = (await treeState()).relists;
      assert.deepEqual(relists[relists.length - 1], { full: true });
    } finally {
      rmSync(d99, { recursive: true, force: true });
      await config.update('refreshDelayMs', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('checkpointManager.refresh');
    assert.equal(hasD99(await snapshot()), false);
  });

  it('reveals a checkpoint where VS Code has no system file manager: in the Explorer, or with a message outside the workspace', async () => {
    const hasOs = !vscode.env.remoteName && (await vscode.commands.getCommands(true)).includes('revealFileInOS');
    const nodes = await snapshot();
    const inWorkspace = nodes.find((n) => n.type === 'checkpoint' && n.label === 'best.pt' && n.path?.startsWith(workspaceDir()));
    const inHome = nodes.find((n) => n.type === 'run' && n.path?.startsWith(nanochatBaseDir()));
    assert.ok(inWorkspace && inHome);
    // code-server is where `revealFileInOS` does not exist and the command used to fail.
    assert.equal(await vscode.commands.executeCommand('checkpointManager.revealInOS', inWorkspace), hasOs ? 'os' : 'explorer');
    assert.equal(await vscode.commands.executeCommand('checkpointManager.revealInOS', inHome), hasOs ? 'os' : 'message');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('refresh and the tree commands are registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of ['checkpointManager.refresh', 'checkpointManager.inspect', 'checkpointManager.revealInOS', 'checkpointManager.copyPath', SNAPSHOT]) {
      assert.equal(registered.has(c), true, c);
    }
    await vscode.commands.executeCommand('checkpointManager.refresh');
    assert.ok((await snapshot()).length > 0);
  });

  it('copy path puts the node path on the clipboard', async () => {
    const nodes = await snapshot();
    const best = nodes.find((n) => n.type === 'checkpoint' && n.label === 'best.pt');
    assert.ok(best);
    await vscode.commands.executeCommand('checkpointManager.copyPath', best);
    assert.equal(await vscode.env.clipboard.readText(), join(workspaceDir(), 'checkpoints', 'best.pt'));
  });

  it('exports a checkpoint from its node, and lists the new file (Export for Inference…)', async () => {
    const best = (await snapshot()).find((n) => n.type === 'checkpoint' && n.label === 'best.pt' && n.path?.startsWith(workspaceDir()));
    assert.ok(best);
    const out = join(workspaceDir(), 'checkpoints', 'best.safetensors');
    try {
      await vscode.commands.executeCommand('checkpointManager._testing.exportAnswers', { format: 'safetensors', target: out });
      const done = await vscode.commands.executeCommand<{ outcome: string }>('checkpointManager.exportForInference', best);
      assert.equal(done?.outcome, 'written');
      assert.ok((await snapshot()).some((n) => n.path === out), 'the export is in the tree');
    } finally {
      rmSync(out, { force: true });
      await vscode.commands.executeCommand('checkpointManager.refresh');
    }
  });
});
