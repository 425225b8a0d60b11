// The run view in the real VS Code: opened on nanochat tags and a Hugging Face run (copies of the
// sample, stamped long ago so no run counts as training), it is sent every checkpoint with the
// metrics read from disk here, and the plan the core computes for the same policy; a change of
// policy in the page redraws that plan; the chart is drawn; a row opens its checkpoint in the
// inspector; and Prune… from the view asks before anything is deleted.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listRoot } from '../../src/core/listing/listRoot';
import { planListing } from '../../src/core/prune/prunePlan';
import { DEFAULT_POLICY } from '../../src/core/prune/retentionPolicy';
import type { RetentionPolicy } from '../../src/core/prune/retentionPolicy';
import type { RunViewTestingState } from '../../src/extension/runViewPanel';
import { nanochatBaseDir, waitFor, workspaceDir } from './support/fixturePaths';
import { hideAndShowAgain, unlessPageGone } from './support/rebuiltPage';

const STATE = 'checkpointManager._testing.runView';

function state(action?: string, arg?: unknown): Thenable<RunViewTestingState | undefined> {
  return vscode.commands.executeCommand<RunViewTestingState | undefined>(STATE, action, arg);
}

/** Opens the view on `arg` and waits until its runs were sent. */
async function openView(arg: unknown, count: number): Promise<RunViewTestingState> {
  await vscode.commands.executeCommand('checkpointManager.openRunView', arg);
  return waitFor('the run view to be sent its runs', async () => {
    const s = await state();
    return s?.runs?.length === count && s.plans ? s : undefined;
  }, 30_000);
}

/**
 * Hides the view behind `file` and shows it again: the panel does not retain its page, so VS Code
 * builds a new one (more than `pageLoads` loads), which must be sent the runs and plans again.
 */
async function rebuiltBehind(file: string, pageLoads: number): Promise<RunViewTestingState> {
  await hideAndShowAgain(file);
  return waitFor('the rebuilt page with its rows', async () => {
    const s = await unlessPageGone(state('shown'));
    return s && s.pageLoads > pageLoads && s.shown && s.shown.rows.length > 0 ? s : undefined;
  }, 30_000);
}

/** `val_bpb` per step, read from the tag's meta files by this test. */
function valBpbOnDisk(dir: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync(dir)) {
    const m = /^meta_(\d+)\.json$/.exec(name);
    if (m) out.set(Number(m[1]), (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { val_bpb: number }).val_bpb);
  }
  return out;
}

/** The core's plan for one run folder, as key → [keep, reason]. */
async function corePlan(dir: string, policy: RetentionPolicy): Promise<Record<string, [boolean, string]>> {
  const plan = await planListing(await listRoot(dir), () => policy);
  return Object.fromEntries(plan.runs.flatMap((r) => r.units).map((u) => [u.key, [u.keep, u.reason]]));
}

function viewPlan(s: RunViewTestingState, dir: string): Record<string, [boolean, string]> {
  const plan = s.plans!.plans.find((p) => p.dir === dir);
  assert.ok(plan, `a plan for ${dir}`);
  return Object.fromEntries(plan.points.map((p) => [p.key, [p.keep, p.reason]]));
}

describe('the run view', function () {
  this.timeout(90_000);
  const d4 = (): string => join(nanochatBaseDir(), 'base_checkpoints', 'd4');
  const d2 = (): string => join(nanochatBaseDir(), 'base_checkpoints', 'd2');

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is sent every step of a tag with its metric from disk, and the plan the core makes with the settings', async () => {
    const s = await openView(vscode.Uri.file(d4()), 1);
    const run = s.runs![0]!;
    assert.equal(run.label, 'Base · d4');
    assert.equal(run.axis, 'step');
    const disk = valBpbOnDisk(d4());
    assert.deepEqual(run.points.map((p) => [p.x, p.metrics.val_bpb]), [...disk.entries()].sort((a, b) => a[0] - b[0]));
    assert.equal(run.metrics[0], 'val_bpb');
    // Sizes per step: model and optimizer apart, as the files on disk are.
    for (const p of run.points) assert.ok(p.modelBytes > 0 && p.optimizerBytes > 0 && p.bytes >= p.modelBytes + p.optimizerBytes, p.name);
    assert.deepEqual(run.status.state, 'unknown');
    assert.deepEqual(viewPlan(s, d4()), await corePlan(d4(), DEFAULT_POLICY));
    assert.deepEqual(s.plans!.policy, { keepLast: 3, keepBest: 1, metric: '', mode: 'auto', keepEvery: 0 });
  });

  it('redraws the plan as the policy changes in the page, and draws the chart with deleted points apart', async () => {
    await openView(vscode.Uri.file(d4()), 1);
    const s = await state('choose', { policy: { keepLast: 1, keepBest: 0 } });
    assert.ok(s?.shown);
    const policy = { ...DEFAULT_POLICY, keepLast: 1, keepBest: 0 };
    const expected = await corePlan(d4(), policy);
    assert.deepEqual(viewPlan(s, d4()), expected);
    const deleted = Object.values(expected).filter(([keep]) => !keep).length;
    assert.ok(deleted > 0, 'the plan deletes something');
    const shown = s.shown;
    assert.equal(shown.metric, 'val_bpb');
    assert.ok(shown.chart.drawn, 'the chart has pixels on its canvas');
    assert.deepEqual(shown.chart.series, ['Base · d4', 'Base · d4: deleted by the plan']);
    assert.equal(shown.chart.label, `val_bpb over step for Base · d4: 3 checkpoints, ${deleted} of them deleted by the plan`);
    assert.deepEqual(shown.rows.map((r) => r.plan), Object.values(expected).map(([keep]) => (keep ? 'keep' : 'delete')));
    assert.match(shown.summary, new RegExp(`keep ${3 - deleted}, delete ${deleted}, frees`));
  });

  it('draws one line per tag when several are chosen', async () => {
    const s = await openView([d2(), d4()], 2);
    assert.deepEqual(s.runs!.map((r) => r.label).sort(), ['Base · d2', 'Base · d4']);
    const shown = (await state('shown'))!.shown!;
    assert.equal(shown.chart.series.filter((l) => !l.endsWith('deleted by the plan')).length, 2);
    assert.equal(shown.rows.length, valBpbOnDisk(d2()).size + valBpbOnDisk(d4()).size);
  });

  it('a page rebuilt after its tab was hidden is sent the runs again', async () => {
    await openView(vscode.Uri.file(d4()), 1);
    const before = (await state('shown'))!;
    assert.ok(before.shown && before.shown.rows.length > 0, 'the page shows its rows');
    const after = await rebuiltBehind(join(d4(), 'meta_000300.json'), before.pageLoads);
    assert.deepEqual(after.shown, before.shown);
  });

  it('a rebuilt page keeps the metric and the policy chosen in the page before', async () => {
    // The Hugging Face run records more than one metric, so that a choice can differ from the default.
    const opened = await openView(vscode.Uri.file(join(workspaceDir(), 'hf')), 1);
    const first = (await state('shown'))!.shown!;
    const other = opened.runs![0]!.metrics.find((m) => m !== first.metric);
    assert.ok(other, `a second metric besides ${first.metric}`);
    await state('choose', { metric: other });
    const before = (await state('choose', { policy: { keepLast: 1, keepBest: 0 } }))!;
    assert.equal(before.shown?.metric, other);
    assert.equal(before.plans?.policy.keepLast, 1);
    assert.notDeepEqual(before.shown?.summary, first.summary, 'the new policy changed the plan');
    const after = await rebuiltBehind(join(workspaceDir(), 'hf', 'checkpoint-200', 'trainer_state.json'), before.pageLoads);
    // The metric from the page's saved state, the policy from the host's: the page is as it was left.
    assert.deepEqual(after.shown, before.shown);
    assert.deepEqual(after.plans?.policy, before.plans?.policy);
  });

  it('opens a checkpoint in the inspector from its row', async () => {
    const s = await openView(vscode.Uri.file(d4()), 1);
    const point = s.runs![0]!.points[1]!;
    await state('activate', { dir: d4(), key: point.key });
    const inspector = await waitFor('the inspector to open', async () => {
      const i = await vscode.commands.executeCommand<{ uri: string; viewType: string } | undefined>('checkpointManager._testing.inspectorState');
      return i?.uri.endsWith(point.openPath!.split('/').pop()!) ? i : undefined;
    });
    assert.equal(inspector.viewType, 'checkpointManager.inspector');
    assert.equal(vscode.Uri.parse(inspector.uri).fsPath, point.openPath);
  });

  it('reads a Hugging Face run\'s eval metrics and status from its trainer state', async () => {
    const hf = join(workspaceDir(), 'hf');
    const s = await openView(vscode.Uri.file(hf), 1);
    const run = s.runs![0]!;
    const state200 = JSON.parse(readFileSync(join(hf, 'checkpoint-200', 'trainer_state.json'), 'utf8')) as { max_steps: number; log_history: Array<Record<string, number>> };
    const evals = state200.log_history.filter((e) => e.eval_loss !== undefined).map((e) => [e.step, e.eval_loss]);
    assert.deepEqual(run.points.map((p) => [p.x, p.metrics.eval_loss]), evals);
    assert.equal(run.status.state, 'finished');
    assert.equal(run.status.text, `finished: step ${state200.max_steps} of ${state200.max_steps}`);
  });

  describe('Prune… from the view', () => {
    let scratch: string;
    let tag: string;
    before(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'cpm-runview-'));
      tag = join(scratch, 'base_checkpoints', 'd4');
      cpSync(d4(), tag, { recursive: true });
      const past = new Date(Date.now() - 24 * 3600 * 1000);
      for (const name of readdirSync(scratch, { recursive: true, encoding: 'utf8' })) utimesSync(join(scratch, name), past, past);
      await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', [scratch], vscode.ConfigurationTarget.Global);
    });
    after(async () => {
      await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
      rmSync(scratch, { recursive: true, force: true });
    });

    it('runs the Prune… flow with the view\'s policy: the plan is shown, the question asked, and a no deletes nothing', async () => {
      await waitFor('the scratch run to be listed', async () => {
        await vscode.commands.executeCommand('checkpointManager.refresh');
        const nodes = await vscode.commands.executeCommand<Array<{ path?: string; type: string }>>('checkpointManager._testing.treeSnapshot');
        return nodes?.some((n) => n.type === 'run' && n.path === tag) ? true : undefined;
      }, 20_000);
      await openView(vscode.Uri.file(tag), 1);
      const s = (await state('choose', { policy: { keepLast: 1, keepBest: 0 } }))!;
      const deleted = s.plans!.plans[0]!.points.filter((p) => !p.keep);
      assert.ok(deleted.length > 0);
      const before = readdirSync(tag).sort();
      const asked = await vscode.commands.executeCommand<string[]>('checkpointManager._testing.pruneAnswers', { review: 'accept', confirm: false });
      await state('prune');
      assert.equal(asked[0], 'review');
      // The question names as many checkpoints as the view's plan deletes.
      assert.match(asked[1] ?? '', new RegExp(`^confirm ${deleted.length} \\d+$`));
      assert.deepEqual(readdirSync(tag).sort(), before);
      assert.ok(existsSync(tag));
    });
  });
});
