// Tensor statistics in a real extension host: the test selects a tensor as a click would, and
// reads back from the webview what its statistics panel shows (the numbers it was given, its
// table's text, whether uPlot drew the chart), checked against what torch computed
// (test/fixtures/stats/expected.json). The NaN/Inf scan runs from its button and from the palette.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TensorStats } from '../../src/core/stats/tensorStats';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import type { ShownStats } from '../../src/shared/protocol';
import { formatStat } from '../../src/webview/statsFormat';
import { repoFixture, waitFor, within } from './support/fixturePaths';
import { hideBehind, PAGE_GONE } from './support/rebuiltPage';

const VIEW_TYPE = 'checkpointManager.inspector';
const STATE_COMMAND = 'checkpointManager._testing.inspectorState';
type Expected = TensorStats & { dtype: string };

function expectedStats(file: string): Record<string, Expected> {
  const all = JSON.parse(readFileSync(repoFixture('stats', 'expected.json'), 'utf8')) as { files: Record<string, Record<string, Expected>> };
  return all.files[file]!;
}

async function state(action?: string, path?: string): Promise<InspectorTestingState | undefined> {
  return vscode.commands.executeCommand<InspectorTestingState | undefined>(STATE_COMMAND, action, path);
}

async function openReport(path: string): Promise<void> {
  const uri = vscode.Uri.file(path);
  await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
  await waitFor('the report', async () => {
    const s = await state();
    return s?.uri === uri.toString() && s.sent?.kind === 'report' ? s : undefined;
  }, 20_000);
}

function close(actual: number | null | undefined, want: number | null, what: string): void {
  if (want === null) return assert.equal(actual, null, what);
  assert.ok(typeof actual === 'number' && Math.abs(actual - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs torch's ${want}`);
}

describe('tensor statistics in the inspector', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("shows a selected tensor's statistics and histogram, as torch computed them", async () => {
    await openReport(repoFixture('stats', 'dtypes.pt'));
    const want = expectedStats('dtypes.pt');
    for (const path of ['f32', 'bf16', 'int64', 'transposed', 'constant']) {
      const shown = (await state('selectTensor', path))?.shown;
      assert.ok(shown, 'the webview answered');
      const w = want[path]!;
      assert.equal(shown.panel, 'shown', `${path}: ${JSON.stringify(shown)}`);
      assert.equal(shown.selected, path);
      const s = shown.stats!;
      for (const k of ['count', 'zeros', 'nan', 'posinf', 'neginf'] as const) assert.equal(s[k], w[k], `${path}.${k}`);
      for (const k of ['min', 'max', 'mean'] as const) close(s[k], w[k], `${path}.${k}`);
      assert.ok(w.std === null ? s.std === null : Math.abs(s.std! - w.std) <= 1e-10 * Math.max(1, w.std), `${path}.std`);
      assert.deepEqual(s.histogram.counts, w.histogram.counts, `${path} histogram`);
      // The table the page shows, cell by cell.
      assert.deepEqual(
        [shown.cells.dtype, shown.cells.min, shown.cells.max, shown.cells.mean, shown.cells.std, shown.cells.NaN, shown.cells['+Inf'], shown.cells['-Inf']],
        [w.dtype, formatStat(w.min), formatStat(w.max), formatStat(w.mean), formatStat(w.std), String(w.nan), String(w.posinf), String(w.neginf)],
        path,
      );
      assert.equal(shown.chart?.drawn, true, `${path}: uPlot drew the histogram`);
      assert.match(shown.chart!.label, /^Histogram of [\d,]+ finite values? in 64 bins from /);
    }
  });

  it('the scan finds the NaN and Inf tensors; from the palette command too', async () => {
    await openReport(repoFixture('stats', 'dtypes.pt'));
    const fromButton = (await state('scanNonFinite'))?.shown?.scan;
    const want = Object.entries(expectedStats('dtypes.pt')).filter(([, s]) => s.nan + s.posinf + s.neginf > 0).map(([p]) => p);
    assert.deepEqual(fromButton?.paths.slice().sort(), want.sort());
    assert.ok(fromButton?.paths.includes('all_nan'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await openReport(repoFixture('stats', 'float8.safetensors'));
    await vscode.commands.executeCommand('checkpointManager.scanNonFinite');
    const scan = await waitFor('the palette scan', async () => {
      const shown: ShownStats | undefined = (await state('shown'))?.shown;
      return shown?.scan && !shown.scan.text.startsWith('Scanning') ? shown.scan : undefined;
    }, 20_000);
    assert.deepEqual(scan.paths, ['float8_e4m3fn', 'float8_e5m2']);
  });

  it('a page rebuilt after its tab was hidden gets the report again and selects the same tensor', async function () {
    this.timeout(90_000);
    // The inspector does not retain its page while hidden: VS Code drops it, and the new page
    // says `ready` again. The host must send the report again and answer the new page's requests.
    const path = repoFixture('stats', 'dtypes.pt');
    await openReport(path);
    assert.equal((await state('selectTensor', 'bf16'))?.shown?.panel, 'shown');
    const before = await state();

    await hideBehind(repoFixture('stats', 'expected.json'));
    // Asked of the page while it is gone: no page answers, and the request must not wait forever.
    const orphan = state('shown').then(
      () => 'answered',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), VIEW_TYPE);
    await waitFor('the page to be rebuilt', async () => {
      const s = await state();
      return s && before && s.pageLoads > before.pageLoads ? s : undefined;
    }, 20_000);
    assert.equal(await within('the request made while the page was gone', orphan, 20_000), PAGE_GONE);

    const shown = await waitFor('the rebuilt page showing the statistics of the tensor selected before', async () => {
      const s = (await state('shown'))?.shown;
      return s?.selected === 'bf16' && s.panel === 'shown' ? s : undefined;
    }, 20_000);
    const after = await state();
    assert.equal(after?.editorId, before?.editorId, 'the same editor was shown again, not a second one');
    assert.equal(after?.sent?.kind, 'report');
    const want = expectedStats('dtypes.pt').bf16!;
    assert.equal(shown.stats?.count, want.count);
    assert.deepEqual(shown.stats?.histogram.counts, want.histogram.counts);
    assert.equal(shown.chart?.drawn, true);
    // The new page's requests are answered too: another tensor, selected as a click would.
    assert.equal((await state('selectTensor', 'int64'))?.shown?.stats?.count, expectedStats('dtypes.pt').int64!.count);
  });
});
