// Tensor statistics in a real browser: a click on a row draws its histogram (a uPlot canvas with
// pixels on it, under the webview's strict CSP), the arrow keys and Enter select from the
// keyboard, and the NaN/Inf scan lists tensors that select theirs when clicked.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { drawnPixels } from './support/canvasPixels';
import { openWorkbench, repoRoot } from './support/workbench';
import type { Workbench } from './support/workbench';
import { openFromQuickOpen } from './support/treeActions';

const STEP_TIMEOUT = 120_000;

describe('tensor statistics in the browser', { timeout: 6 * 60_000 }, () => {
  let wb: Workbench;
  let view: FrameLocator;

  before(async () => {
    wb = await openWorkbench();
    mkdirSync(join(wb.workspaceDir, 'stats'), { recursive: true });
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'stats', 'dtypes.pt'), join(wb.workspaceDir, 'stats', 'dtypes.pt'));
  });

  after(async () => {
    await wb?.close();
  });

  it('a click on a row shows its statistics and draws the histogram', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('stats-click', async () => {
      await openFromQuickOpen(wb.page, 'stats/dtypes.pt');
      view = wb.webview();
      await view.getByRole('heading', { name: 'dtypes.pt', exact: true }).waitFor({ timeout: 30_000 });
      const panel = view.getByRole('region', { name: 'Tensor statistics' });
      await view.locator('tr.row td.col-path', { hasText: /^f32$/ }).click();
      const chart = panel.getByRole('img', { name: /^Histogram of 4,997 finite values in 64 bins/ });
      await chart.waitFor({ timeout: 30_000 });
      const canvas = chart.locator('canvas');
      await canvas.waitFor();
      assert.ok((await canvas.evaluate((c) => (c as HTMLCanvasElement).width)) > 0, 'the canvas has a size');
      assert.ok((await drawnPixels(canvas)) > 500, 'bars and axes are drawn on the canvas');
      const cell = (label: string): Locator => panel.locator('tr', { has: view.locator(`th:text-is("${label}")`) }).locator('td');
      assert.deepEqual(await Promise.all(['dtype', 'count', 'NaN', '+Inf', '-Inf', 'zeros'].map((l) => cell(l).innerText())), ['float32', '5,000', '1', '1', '1', '2']);
      // uPlot's stylesheet came as a file: its root class is styled (box-sizing from dist/uplot.css).
      assert.equal(await chart.locator('.uplot').evaluate((n) => getComputedStyle(n).boxSizing), 'border-box');
      await panel.scrollIntoViewIfNeeded();
      await wb.screenshot('13-stats');
    });
  });

  it('the arrow keys and Enter select a row from the keyboard', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('stats-keys', async () => {
      const table = view.getByRole('region', { name: /^Tensors/ });
      await table.focus();
      await table.press('ArrowDown');
      await table.press('ArrowDown');
      const cursorPath = await table.locator('tr.row.cursor td.col-path').innerText();
      await table.press('Enter');
      const panel = view.getByRole('region', { name: 'Tensor statistics' });
      await panel.locator('.stats-path', { hasText: new RegExp(`^${cursorPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();
      await panel.locator('table.stats-table').waitFor();
      assert.equal(await table.locator('tr.row.selected td.col-path').innerText(), cursorPath);
    });
  });

  it('the scan lists the NaN and Inf tensors, and a click on one shows its statistics', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('stats-scan', async () => {
      await view.getByRole('button', { name: 'Scan for NaN/Inf' }).click();
      const list = view.getByRole('list', { name: 'Tensors holding NaN or Inf' });
      await list.waitFor({ timeout: 30_000 });
      const names = await list.locator('button code').allInnerTexts();
      assert.deepEqual(names.slice().sort(), ['all_inf', 'all_nan', 'bf16', 'f16', 'f32']);
      await list.getByRole('button', { name: 'all_nan' }).click();
      const panel = view.getByRole('region', { name: 'Tensor statistics' });
      await panel.locator('.stats-path', { hasText: /^all_nan$/ }).waitFor();
      await panel.getByText('No finite values: nothing to draw.').waitFor();
      assert.equal(await panel.locator('canvas').count(), 0);
    });
  });
});
