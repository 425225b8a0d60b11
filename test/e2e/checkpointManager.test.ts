// The extension as a user meets it: the activity-bar view, a checkpoint opened from the tree into
// the inspector webview, the tree's context menu, and a palette command. One code-server and browser for the whole file;
// each step leaves a screenshot in test-results/e2e/.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, repoRoot } from './support/workbench';
import type { Workbench } from './support/workbench';
import { expandUntilVisible, runFromPalette, showContainer } from './support/treeActions';

const CONTAINER = 'Checkpoint Manager';
const STEP_TIMEOUT = 90_000;
// The file watcher waits this long before it relists, so what Refresh lists is Refresh's doing.
// (That it relists at once is proven in test/integration/tree.test.ts, without timing.)
const WATCHER_DELAY_MS = 10_000;

describe('Checkpoint Manager in the browser', { timeout: 6 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ 'checkpointManager.refreshDelayMs': WATCHER_DELAY_MS });
    // Before the first Quick Open, which indexes the workspace's files once and would miss it later.
    mkdirSync(join(wb.workspaceDir, 'damaged'), { recursive: true });
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'broken', 'damaged_tensor.pt'), join(wb.workspaceDir, 'damaged', 'damaged_tensor.pt'));
  });

  after(async () => {
    await wb?.close();
  });

  it('shows the nanochat model tags in the Checkpoints tree', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('tree', async () => {
      await showContainer(wb.page, CONTAINER);
      const tag = wb.sidebar().getByRole('treeitem', { name: /\bd4\b/ });
      await expandUntilVisible(wb.sidebar(), tag);
    });
  });

  it('fits every row of the tree in the default sidebar width, steps with their metric', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('row-width', async () => {
      await showContainer(wb.page, CONTAINER);
      // Open one tag to show its steps: the rows with the most to say.
      const stepRow = wb.sidebar().getByRole('treeitem', { name: /^step \d{6}, val_bpb [\d.]+/ }).first();
      await expandUntilVisible(wb.sidebar(), stepRow);
      const rows = wb.sidebar().locator('.monaco-list-row[role="treeitem"]');
      const widths = await rows.evaluateAll((els) =>
        els.map((row) => {
          const box = row.querySelector('.monaco-icon-label-container');
          return { row: row.getAttribute('aria-label') ?? '', text: (box?.textContent ?? '').trim(), cut: box ? box.scrollWidth > box.clientWidth : true };
        }),
      );
      assert.ok(widths.length >= 10, `the tree shows rows: ${JSON.stringify(widths)}`);
      assert.deepEqual(widths.filter((w) => w.cut), [], 'rows cut off with an ellipsis');
      const sidebarWidth = await wb.sidebar().evaluate((el) => el.getBoundingClientRect().width);
      assert.ok(sidebarWidth <= 320, `the sidebar is at its default width (${sidebarWidth} px)`);
      await wb.screenshot('01-tree');
      // What the row leaves out is in its tooltip, resolved when hovered.
      await stepRow.hover();
      const hover = wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /size: [\d.]+ [KMG]?i?B in \d+ files/ });
      await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
      await wb.page.mouse.move(1250, 500);
    });
  });

  it('opens a checkpoint from the tree in the inspector', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('inspector', async () => {
      await showContainer(wb.page, CONTAINER);
      const checkpoint = wb.sidebar().getByRole('treeitem', { name: /model_\d+/ }).first();
      await expandUntilVisible(wb.sidebar(), checkpoint);
      const label = (await checkpoint.getAttribute('aria-label')) ?? '';
      // A click on the file row opens it in the inspector, as the Explorer opens files.
      await checkpoint.click();
      // The inspector names the file and lists the nanochat state dict's tensors.
      const fileName = /model_\d+\.pt/.exec(label)?.[0];
      assert.ok(fileName, `the tree row "${label}" should name a model_NNNNNN.pt file`);
      await wb.webview().getByRole('heading', { name: fileName }).waitFor({ timeout: 30_000 });
      await wb.webview().getByText('transformer.wte.weight').first().waitFor();
      const tab = wb.page.locator('.tabs-container .tab.active');
      assert.equal(await tab.getAttribute('data-resource-name'), fileName);
      await wb.screenshot('02-inspector');
    });
  });

  it('offers inspect, reveal and copy path in the context menu of a checkpoint', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('context-menu', async () => {
      await showContainer(wb.page, CONTAINER);
      const checkpoint = wb.sidebar().getByRole('treeitem', { name: /model_\d+/ }).first();
      await expandUntilVisible(wb.sidebar(), checkpoint);
      await checkpoint.click({ button: 'right' });
      const menu = wb.page.locator('.context-view .monaco-menu').first();
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      const items = (await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.trim());
      for (const title of ['Inspect Checkpoint', 'Reveal in File Explorer', 'Copy Path']) {
        assert.ok(items.some((t) => t.startsWith(title)), `"${title}" is missing from the context menu: ${JSON.stringify(items)}`);
      }
      await wb.screenshot('05-context-menu');
      await wb.page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
    });
  });

  it('runs Refresh from the command palette and lists a new tag', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('refresh', async () => {
      const source = join(wb.nanochatDir, 'base_checkpoints', 'd4');
      const model = readdirSync(source).find((n) => /^model_\d+\.pt$/.test(n));
      assert.ok(model, `the sample home should hold a model file in ${source}`);
      const added = join(wb.nanochatDir, 'base_checkpoints', 'd99');
      mkdirSync(added, { recursive: true });
      copyFileSync(join(source, model), join(added, model));
      for (const meta of readdirSync(source).filter((n) => /^meta_\d+\.json$/.test(n))) copyFileSync(join(source, meta), join(added, meta));

      await runFromPalette(wb.page, 'Checkpoint Manager: Refresh', () => wb.screenshot('03-palette'));
      await showContainer(wb.page, CONTAINER);
      const tag = wb.sidebar().getByRole('treeitem', { name: /\bd99\b/ });
      await expandUntilVisible(wb.sidebar(), tag);
      const errors = await wb.page.locator('.notification-list-item-message').allInnerTexts();
      assert.deepEqual(errors.filter((t) => /not found|error/i.test(t)), []);
      await wb.screenshot('04-refreshed');
    });
  });

  /** Opens a workspace file by name with Quick Open, in its default editor (the tree is too long here to show it unscrolled). */
  async function quickOpen(name: string): Promise<void> {
    await runFromPalette(wb.page, 'View: Close All Editors');
    await wb.page.keyboard.press('Control+P');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
    await wb.webview().getByRole('heading', { name }).waitFor({ timeout: 30_000 });
  }

  it("shows nanoGPT's parameters apart from its mask buffers and optimizer state, and names the tied pair", { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('counts', async () => {
      await quickOpen('ckpt.pt');
      const page = wb.webview();
      const fact = async (label: string): Promise<string> => (await page.locator('.fact', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').innerText()).trim();
      assert.deepEqual([await fact('Parameters'), await fact('Buffers'), await fact('Optimizer state')], ['8.1K', '2.0K', '16.3K']);
      const ties = page.getByRole('list', { name: 'Tied tensors' });
      assert.equal((await ties.innerText()).trim(), 'model.lm_head.weight = model.transformer.wte.weight');
      await wb.screenshot('11-counts');
    });
  });

  it('shows on the inspector page which tensor a damaged record holds, once Compute sha256 reads it', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('damaged', async () => {
      await quickOpen('damaged_tensor.pt');
      // Only its bytes are damaged: the file is described until they are read.
      const page = wb.webview();
      await page.getByRole('button', { name: 'Compute sha256' }).click();
      const damage = page.getByRole('region', { name: 'Damaged tensor' });
      await damage.waitFor({ timeout: 30_000 });
      assert.match(await damage.innerText(), /damaged_tensor\/data\/1[\s\S]*transformer\.h\.0\.attn\.c_q\.weight/);
      assert.match(await page.getByRole('alert').first().innerText(), /"transformer\.h\.0\.attn\.c_q\.weight" \(record "damaged_tensor\/data\/1"\) fail their CRC-32 check/);
      await wb.screenshot('12-damaged-tensor');
    });
  });
});
