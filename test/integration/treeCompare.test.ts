// The compare report in a real extension host: Compare Selected on two checkpoints runs the
// comparison in the session worker and opens the report panel; the test reads back what the
// panel sent its webview (internal command checkpointManager._testing.compareState) and what the
// page shows, against what torch computed from the same files (test/fixtures/compare/
// expected.json and diff_histograms.json). Compare with Previous Step runs on a tag of the tree.
// Named to run after tree.test.ts (mocha loads files in name order): lazyTree.test.ts checks that
// nothing lists the tree before it is shown, and this file lists it.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import type { SentCompare } from '../../src/extension/comparePanel';
import type { ShownCompare } from '../../src/shared/compareProtocol';
import { formatStat } from '../../src/webview/statsFormat';
import { EXTENSION_ID, nanochatBaseDir, repoFixture, waitFor } from './support/fixturePaths';
import { hideAndShowAgain } from './support/rebuiltPage';

const STATE = 'checkpointManager._testing.compareState';
type State = { ready: boolean; pageLoads: number; panels: number; sent?: SentCompare; shown?: ShownCompare };

interface ExpectedCase {
  a: string;
  b: string;
  model: { changed: Record<string, { rel_l2: number }>; identical: string[]; only_in_a: string[]; only_in_b: string[] };
}
interface ExpectedDiff {
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  histogram: { counts: number[] };
}

const expected = JSON.parse(readFileSync(repoFixture('compare', 'expected.json'), 'utf8')) as { cases: Record<string, ExpectedCase> };
const differences = JSON.parse(readFileSync(repoFixture('compare', 'diff_histograms.json'), 'utf8')) as { cases: Record<string, { tensors: Record<string, ExpectedDiff> }> };

function state(action?: string, path?: string): Thenable<State | undefined> {
  return vscode.commands.executeCommand<State | undefined>(STATE, action, path);
}

/** A checkpoint node as the tree hands it to a command (the fields the command reads). */
function checkpointNode(path: string): Partial<NodeSnapshot> {
  return { id: `test:${path}`, type: 'checkpoint', label: path.split('/').pop()!, contextValue: 'checkpoint.file', path, openPath: path, data: { step: null } };
}

async function sessions(): Promise<number> {
  return (await vscode.commands.executeCommand<{ sessions: number }>('checkpointManager._testing.sessionWorker')).sessions;
}

/** Compare Selected on two checkpoint files, as the tree runs it; resolves once the report was sent. */
async function compareSelected(pathA: string, pathB: string): Promise<State> {
  const a = checkpointNode(pathA);
  const b = checkpointNode(pathB);
  await vscode.commands.executeCommand('checkpointManager.compareSelected', a, [a, b]);
  return waitFor('the report was sent', async () => {
    const got = await state();
    return got?.sent ? got : undefined;
  }, 30_000);
}

describe('the compare report', () => {
  // The internal commands are not contributed: running one does not activate the extension.
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Compare Selected sends the report torch agrees with, and the page shows its summary, chart and a tensor pair', async () => {
    // Inspectors of earlier tests close their sessions as their documents go.
    await waitFor('no session open', async () => ((await sessions()) === 0 ? true : undefined), 10_000);
    const want = expected.cases.finetune!;
    const sent = (await compareSelected(repoFixture('compare', want.a), repoFixture('compare', want.b))).sent!;
    assert.deepEqual(sent.names, { a: 'base.pt', b: 'sft.pt' });
    assert.deepEqual(sent.changed.slice().sort(), Object.keys(want.model.changed).sort());
    assert.deepEqual(sent.identical.slice().sort(), want.model.identical.slice().sort());
    assert.deepEqual(sent.onlyInB, want.model.only_in_b);
    assert.deepEqual(sent.onlyInA, want.model.only_in_a);
    assert.equal(sent.counts.changed.tensors, Object.keys(want.model.changed).length);
    assert.equal(sent.equal, false);
    assert.match(sent.summary, /^50% of the 14 common tensors changed, median rel_l2 /);
    assert.deepEqual(sent.layers.positions, ['embeddings', '0', '1', 'head']);

    // What the page shows: the sentence, the counts, the chart drawn by uPlot, the tables' rows.
    const shown = (await state('shown'))!.shown!;
    assert.equal(shown.summary, sent.summary);
    assert.equal(shown.counts.changed, `${Object.keys(want.model.changed).length} tensors · ${shown.counts.changed.split(' · ')[1]}`);
    assert.equal(shown.chart?.drawn, true, 'the chart of rel_l2 per layer is drawn');
    assert.match(shown.chart!.label, /^Line chart of mean rel_l2 per layer: 4 lines \(attn, mlp, embeddings, head\/other\) over 4 positions from embeddings to head; the largest, /);
    assert.equal(shown.rows['model.changed'], Object.keys(want.model.changed).length);
    assert.equal(shown.rows['model.only_in_b'], 1);

    // A click on a changed tensor: both sides' statistics and the difference's histogram.
    const path = 'transformer.h.1.mlp.c_fc.weight';
    const detail = (await state('selectTensor', path))!.shown!.detail!;
    assert.equal(detail.state, 'shown', JSON.stringify(detail));
    assert.equal(detail.path, path);
    assert.deepEqual(detail.cells.dtype, ['float32', 'float32']);
    assert.deepEqual(detail.cells.count, ['1,024', '1,024']);
    const diff = differences.cases.finetune!.tensors[path]!;
    assert.equal(detail.chart?.drawn, true, 'the difference histogram is drawn');
    const finite = diff.histogram.counts.reduce((x, y) => x + y, 0);
    assert.ok(detail.chart!.label.startsWith(`Difference B − A. Histogram of ${finite.toLocaleString('en-US')} finite values in 64 bins from ${formatStat(diff.min)} to ${formatStat(diff.max)};`), detail.chart!.label);
    assert.equal(await sessions(), 2, 'both sides stay open while the report is');
  });

  it('closing the report closes both sessions', async () => {
    await waitFor('no session open', async () => ((await sessions()) === 0 ? true : undefined), 10_000);
  });

  it('a report page rebuilt after its tab was hidden gets the report again', async function () {
    this.timeout(90_000);
    const want = expected.cases.finetune!;
    const before = await compareSelected(repoFixture('compare', want.a), repoFixture('compare', want.b));
    // Hidden behind another tab of its group (a saved file), then shown again: the panel does not
    // retain its page, so VS Code builds a new one.
    await hideAndShowAgain(repoFixture('compare', 'expected.json'));
    await waitFor('the page to be rebuilt', async () => {
      const got = await state();
      return got && got.pageLoads > before.pageLoads ? got : undefined;
    }, 30_000);
    const shown = await waitFor('the rebuilt page to show the report', async () => (await state('shown'))?.shown, 30_000);
    assert.equal(shown.summary, before.sent!.summary);
    assert.equal(shown.chart?.drawn, true);
    assert.equal(shown.rows['model.changed'], Object.keys(want.model.changed).length);
  });

  it('closing the rebuilt report closes both sessions', async () => {
    await waitFor('no session open', async () => ((await sessions()) === 0 ? true : undefined), 10_000);
  });

  it('Compare Selected on a sharded set (its index) against one file compares the whole set', async () => {
    const index = repoFixture('sharded', 'hf_bin', 'pytorch_model.bin.index.json');
    const s = await compareSelected(index, repoFixture('sharded', 'nudged.pt'));
    const weightMap = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
    // make_sharded.py moved these two in nudged.pt; every other tensor of the set is identical.
    assert.deepEqual(s.sent!.changed.slice().sort(), ['transformer.h.1.mlp.c_fc.weight', 'transformer.h.2.attn.c_proj.weight']);
    assert.equal(s.sent!.identical.length, Object.keys(weightMap).length - 2);
    assert.equal(s.sent!.equal, false);
  });

  it('closing that report closes both sessions', async () => {
    await waitFor('no session open', async () => ((await sessions()) === 0 ? true : undefined), 10_000);
  });

  it('Compare with Previous Step on a tag compares its last two steps', async () => {
    const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
    const base = nanochatBaseDir();
    const tag = nodes.find((n) => n.type === 'run' && n.path === `${base}/base_checkpoints/d4`);
    assert.ok(tag, 'the Base d4 tag is in the tree');
    await vscode.commands.executeCommand('checkpointManager.compareWithPrevious', tag);
    const s = await waitFor('the report was sent', async () => {
      const got = await state();
      return got?.sent ? got : undefined;
    }, 30_000);
    // Whole steps, through their meta files: the model and both ranks' optimizer state.
    assert.deepEqual(s.sent!.names, { a: 'step 000200', b: 'step 000300' });
    assert.ok(s.sent!.optimizer.changed > 0, `the ranks' optimizer state is compared: ${JSON.stringify(s.sent!.optimizer)}`);
    assert.ok(s.sent!.values.includes('step'), `the step differs: ${s.sent!.values.join(', ')}`);
  });
});
