// The compare report in a real browser: two checkpoints selected in the tree (click, then
// Ctrl+click), Compare Selected from the context menu, and the report page under its strict CSP:
// the summary's sentence and counts read from the page, the uPlot chart of rel_l2 per layer with
// pixels on its canvas, a table sorted from the keyboard, and a tensor pair's detail with the
// histogram of the difference drawn.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { drawnPixels } from './support/canvasPixels';
import { openWorkbench, repoRoot } from './support/workbench';
import type { Workbench } from './support/workbench';
import { chooseFromContextMenu, showContainer } from './support/treeActions';

const STEP_TIMEOUT = 120_000;

describe('the compare report in the browser', { timeout: 6 * 60_000 }, () => {
  let wb: Workbench;
  let view: FrameLocator;

  before(async () => {
    wb = await openWorkbench();
    // Before the tree is first shown, so its first listing has them.
    const dir = join(wb.workspaceDir, 'finetune_run');
    mkdirSync(dir, { recursive: true });
    for (const name of ['base.pt', 'sft.pt']) copyFileSync(join(repoRoot, 'test', 'fixtures', 'compare', 'finetune', name), join(dir, name));
  });

  after(async () => {
    await wb?.close();
  });

  it('Compare Selected on two checkpoints of the tree opens the report: its summary and the chart drawn', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('compare-selected', async () => {
      await showContainer(wb.page, 'Checkpoint Manager');
      const sidebar = wb.sidebar();
      const base = sidebar.getByRole('treeitem', { name: /^base\.pt/ });
      const sft = sidebar.getByRole('treeitem', { name: /^sft\.pt/ });
      // The nanochat home comes first and open; folded, the workspace's folders are in view.
      await sidebar.getByRole('treeitem', { name: /^nanochat home/ }).locator('.monaco-tl-twistie').click();
      const run = sidebar.getByRole('treeitem', { name: /^finetune_run/ });
      await run.waitFor({ timeout: 30_000 });
      if ((await run.getAttribute('aria-expanded')) === 'false') await run.locator('.monaco-tl-twistie').click();
      await sft.waitFor({ timeout: 30_000 });
      await base.click();
      await sft.click({ modifiers: ['Control'] });
      view = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
      const heading = view.getByRole('heading', { name: 'base.pt ↔ sft.pt' });
      await chooseFromContextMenu(wb.page, sft, /^Compare Selected/);
      await heading.waitFor({ timeout: 60_000 });
      const sentence = await view.locator('.compare-sentence').innerText();
      assert.match(sentence, /^50% of the 14 common tensors changed, median rel_l2 [\d.e-]+; 1 only in B\.$/);
      const counts = view.locator('table.counts-table').first();
      const cell = (label: string): Promise<string> => counts.locator('tr', { has: view.locator(`td:text-is("${label}")`) }).locator('td').nth(1).innerText();
      assert.deepEqual(await Promise.all(['Changed', 'Identical', 'Only in A', 'Only in B'].map(cell)), ['7', '7', '0', '1']);

      const chart = view.getByRole('img', { name: /^Line chart of mean rel_l2 per layer: 4 lines/ });
      const canvas = chart.locator('canvas');
      await canvas.waitFor({ timeout: 30_000 });
      assert.ok((await drawnPixels(canvas)) > 500, 'the lines and axes are drawn on the canvas');
      await chart.scrollIntoViewIfNeeded();
      await wb.screenshot('14-compare');
    });
  });

  it('a table sorts from the keyboard, and Enter on a row shows the pair with the histogram of the difference', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('compare-detail', async () => {
      const changed = view.getByRole('region', { name: /^Changed \(7\)/ });
      const sortByPath = changed.getByRole('button', { name: 'Path' });
      await sortByPath.focus();
      await sortByPath.press('Enter');
      assert.equal(await changed.locator('th').first().getAttribute('aria-sort'), 'ascending');
      const firstRow = changed.locator('tbody tr').first();
      assert.equal(await firstRow.locator('td').first().innerText(), 'lm_head.weight');
      await firstRow.focus();
      await firstRow.press('ArrowDown');
      await changed.locator('tbody tr').nth(1).press('Enter');
      const detail = view.getByRole('region', { name: 'Tensor detail' });
      const histogram = detail.getByRole('img', { name: /^Difference B − A\. Histogram of [\d,]+ finite values in 64 bins/ });
      await histogram.locator('canvas').waitFor({ timeout: 30_000 });
      assert.ok((await drawnPixels(histogram.locator('canvas'))) > 200, 'the difference histogram is drawn');
      assert.equal(await detail.locator('.stats-path').innerText(), 'transformer.h.1.attn.c_k.weight');
      const row = detail.locator('table.side-by-side tr', { has: view.locator('th:text-is("count")') });
      assert.deepEqual(await row.locator('td').allInnerTexts(), ['128', '128']);
      await detail.scrollIntoViewIfNeeded();
      await wb.screenshot('15-compare-detail');
    });
  });
});
