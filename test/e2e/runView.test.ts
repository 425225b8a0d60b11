// The run view and the storage report in a real browser: the run view opened from a tag's row
// in the tree draws val_bpb over steps on a uPlot canvas under the webview's strict CSP, lists
// the steps in its table, and redraws the plan when Keep latest is changed in its form; Show
// Storage draws the bytes per kind and tag.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drawnPixels } from './support/canvasPixels';
import { openWorkbench } from './support/workbench';
import type { Workbench } from './support/workbench';
import { expandUntilVisible, runFromPalette, showContainer } from './support/treeActions';

const STEP_TIMEOUT = 120_000;

describe('the run view in the browser', { timeout: 6 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('draws the metric over steps from a tag\'s row, and redraws the plan as the policy changes', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('run-view', async () => {
      await showContainer(wb.page, 'Checkpoint Manager');
      const row = wb.sidebar().getByRole('treeitem', { name: /^d4, 3 checkpoints/ }).first();
      await expandUntilVisible(wb.sidebar(), row);
      await row.hover();
      await row.locator('.action-label[aria-label^="Open Run View"]').click();
      const view = wb.webview();
      await view.getByRole('heading', { name: 'Run: Base · d4' }).waitFor({ timeout: 30_000 });
      const chart = view.getByRole('img', { name: /^val_bpb over step for Base · d4: 3 checkpoints, 0 of them deleted by the plan$/ });
      await chart.waitFor({ timeout: 30_000 });
      const canvas = chart.locator('canvas');
      await canvas.waitFor();
      assert.ok((await drawnPixels(canvas)) > 500, 'lines, points and axes are drawn on the canvas');
      const table = view.getByRole('table', { name: 'Checkpoints: sizes, values and the plan' });
      assert.equal(await table.locator('tbody tr').count(), 3);
      // Keep only the latest, and none by metric: the plan redraws in place.
      await view.getByLabel('Keep latest').fill('1');
      await view.getByLabel('Keep best').fill('0');
      await view.getByRole('img', { name: /3 checkpoints, 1 of them deleted by the plan$/ }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await table.locator('td.plan').allInnerTexts(), ['delete', 'keep', 'keep']);
      assert.match(await view.locator('.plan-summary').innerText(), /keep 2, delete 1, frees [\d.]+ KiB/);
      // The rows are buttons: the keyboard reaches every checkpoint.
      assert.equal(await table.getByRole('button', { name: /^Open step \d{6} in the inspector$/ }).count(), 3);
      await wb.screenshot('18-run-view');
    });
  });

  it('Show Storage draws the bytes of every kind and tag, with what pruning would reclaim', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('storage', async () => {
      await runFromPalette(wb.page, 'Checkpoint Manager: Show Storage');
      const view = wb.webview();
      const table = view.getByRole('table', { name: 'Storage per root, kind and run' });
      await table.waitFor({ timeout: 30_000 });
      assert.ok((await table.locator('tbody tr').count()) >= 6, 'rows for the roots, kinds and tags');
      assert.ok((await table.locator('.sizebar .seg.optimizer').count()) > 0, 'optimizer bytes drawn in the bars');
      await wb.screenshot('19-storage');
    });
  });
});
