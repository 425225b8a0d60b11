// The extension as a user meets it: the activity-bar view, a checkpoint opened from the tree into
// the inspector webview, the tree's context menu, and a palette command. One code-server and browser for the whole file;
// each step leaves a screenshot in test-results/e2e/.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkbench } from './support/workbench';
import type { Workbench } from './support/workbench';
import { expandUntilVisible, runFromPalette, showContainer } from './support/treeActions';

const CONTAINER = 'Checkpoint Manager';
const STEP_TIMEOUT = 90_000;
// The file watcher waits this long before it refreshes; Refresh must not.
const WATCHER_DELAY_MS = 10_000;

describe('Checkpoint Manager in the browser', { timeout: 6 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ 'checkpointManager.refreshDelayMs': WATCHER_DELAY_MS });
  });

  after(async () => {
    await wb?.close();
  });

  it('shows the nanochat model tags in the Checkpoints tree', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('tree', async () => {
      await showContainer(wb.page, CONTAINER);
      const tag = wb.sidebar().getByRole('treeitem', { name: /\bd4\b/ });
      await expandUntilVisible(wb.sidebar(), tag);
      await wb.screenshot('01-tree');
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

  it('runs Refresh from the command palette and lists a new tag before the watcher would', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('refresh', async () => {
      const source = join(wb.nanochatDir, 'base_checkpoints', 'd4');
      const model = readdirSync(source).find((n) => /^model_\d+\.pt$/.test(n));
      assert.ok(model, `the sample home should hold a model file in ${source}`);
      const added = join(wb.nanochatDir, 'base_checkpoints', 'd99');
      const createdAt = Date.now();
      mkdirSync(added, { recursive: true });
      copyFileSync(join(source, model), join(added, model));
      for (const meta of readdirSync(source).filter((n) => /^meta_\d+\.json$/.test(n))) copyFileSync(join(source, meta), join(added, meta));

      await runFromPalette(wb.page, 'Checkpoint Manager: Refresh', () => wb.screenshot('03-palette'));
      await showContainer(wb.page, CONTAINER);
      const tag = wb.sidebar().getByRole('treeitem', { name: /\bd99\b/ });
      await expandUntilVisible(wb.sidebar(), tag, WATCHER_DELAY_MS);
      const shownAfter = Date.now() - createdAt;
      assert.ok(shownAfter < WATCHER_DELAY_MS, `d99 appeared ${shownAfter} ms after its files were created: Refresh did not rescan at once`);
      const errors = await wb.page.locator('.notification-list-item-message').allInnerTexts();
      assert.deepEqual(errors.filter((t) => /not found|error/i.test(t)), []);
      await wb.screenshot('04-refreshed');
    });
  });
});
