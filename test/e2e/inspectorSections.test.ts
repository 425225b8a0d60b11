// The inspector's sections in a real browser: the keyboard in the tensor table (End shows the last
// row even when the table starts below the fold), nested values opened from the keyboard, hashes
// copied to the clipboard, a hostile file's calls, and a plain pickle opened with Open With.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { openWorkbench, repoRoot } from './support/workbench';
import type { Workbench } from './support/workbench';
import { chooseFromContextMenu, openFromQuickOpen } from './support/treeActions';

const STEP_TIMEOUT = 120_000;
const fixture = (...parts: string[]): string => join(repoRoot, 'test', 'fixtures', ...parts);

/** True when the element is on screen: inside the webview's viewport and inside every scrolling box around it. */
async function onScreen(target: Locator): Promise<boolean> {
  return target.evaluate((node) => {
    const r = node.getBoundingClientRect();
    if (r.height === 0 || r.bottom <= 0 || r.top >= window.innerHeight) return false;
    for (let p = node.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (!/(auto|scroll|hidden)/.test(style.overflowY)) continue;
      const box = p.getBoundingClientRect();
      // The sticky table header covers the top of the scroller.
      const head = p.querySelector('thead')?.getBoundingClientRect().height ?? 0;
      if (r.bottom > box.bottom + 1 || r.top < box.top + head - 1) return false;
    }
    return true;
  });
}

describe('the inspector sections in the browser', { timeout: 8 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
    // Files the sample workspace lacks: a hostile checkpoint and nanochat's tokenizer pickle.
    mkdirSync(join(wb.workspaceDir, 'extra'), { recursive: true });
    copyFileSync(fixture('hostile', 'popped_system.pt'), join(wb.workspaceDir, 'extra', 'popped_system.pt'));
    copyFileSync(fixture('nanochat', 'tokenizer', 'tokenizer.pkl'), join(wb.workspaceDir, 'extra', 'tokenizer.pkl'));
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  after(async () => {
    await wb?.close();
  });

  async function inspect(file: string, heading: string): Promise<FrameLocator> {
    await openFromQuickOpen(wb.page, file);
    const view = wb.webview();
    await view.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 30_000 });
    return view;
  }

  async function clipboard(): Promise<string> {
    return wb.page.evaluate(() => navigator.clipboard.readText());
  }

  it('End, Home and Page Down in the tensor table bring its rows into view, below the fold too', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('table-keys', async () => {
      const view = await inspect('out/ckpt.pt', 'ckpt.pt');
      const table = view.getByRole('region', { name: /^Tensors/ });
      const rows = table.locator('tr.row');
      await rows.first().waitFor();
      const total = Number(/(\d+) tensors/.exec(await view.locator('.tensors .count').innerText())?.[1]);
      assert.ok(total > 60, `nanoGPT's checkpoint lists ${total} tensors, enough to scroll`);
      assert.equal(await onScreen(rows.first()), false, 'the table starts below the fold');
      await table.focus();
      await table.press('End');
      // The last tensor in file order: nanoGPT saves best_val_loss, a 0-d tensor, after the optimizer.
      const last = table.locator('td.col-path', { hasText: /^best_val_loss$/ });
      await last.waitFor();
      assert.equal(await onScreen(last), true, 'End shows the last row');
      await wb.screenshot('06-table-end');
      await table.press('Home');
      const first = table.locator('td.col-path', { hasText: /^model\.transformer\.wte\.weight$/ });
      await first.waitFor();
      assert.equal(await onScreen(first), true, 'Home shows the first row');
      await table.press('PageDown');
      // The first row scrolled away (the virtualised list may have dropped it from the page).
      assert.equal((await first.count()) === 0 || !(await onScreen(first)), true, 'Page Down moves on by a page');
      assert.ok(await table.evaluate((s) => s.scrollTop > s.clientHeight / 2));
    });
  });

  it('opens nested values from the keyboard and shows the architecture and the optimizer', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('nested', async () => {
      const view = await inspect('out/ckpt.pt', 'ckpt.pt');
      await view.getByRole('heading', { name: 'Architecture', exact: true }).waitFor();
      await view.getByRole('heading', { name: 'Optimizer', exact: true }).waitFor();
      // Two parameter groups (weight decay on matrices only), as nanoGPT configures AdamW.
      const optimizer = view.locator('.optimizer table');
      assert.match(await optimizer.innerText(), /weight_decay\s+0\.1\s+0/);
      const keys = view.locator('section', { has: view.getByRole('heading', { name: 'Top-level keys' }) });
      const fold = keys.locator('tr', { has: view.locator('code', { hasText: /^optimizer$/ }) }).locator('summary').first();
      await fold.focus();
      await fold.press('Enter');
      const groups = keys.locator('summary', { hasText: 'param_groups' });
      await groups.waitFor();
      await groups.focus();
      await groups.press('Enter');
      await keys.locator('summary', { hasText: /^0 dict/ }).first().press('Enter');
      await keys.locator('li', { hasText: /^lr: 0\.0006 float$/ }).first().waitFor();
      await wb.screenshot('07-nested-values');
    });
  });

  it('copies a tensor hash and all hashes as JSON', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('copy', async () => {
      const view = await inspect('checkpoints/best.pt', 'best.pt');
      await view.getByRole('button', { name: 'Compute sha256' }).click();
      const hash = view.locator('td.col-sha256 .hash').first();
      await hash.waitFor({ timeout: 60_000 });
      const shown = await hash.innerText();
      assert.match(shown, /^[0-9a-f]{64}$/, 'the whole hash is shown');
      assert.equal(await hash.evaluate((n) => n.scrollWidth <= (n.parentElement as HTMLElement).clientWidth), true, 'the hash is not cut off');
      const firstPath = await view.locator('td.col-path').first().innerText();
      await view.getByRole('button', { name: `Copy sha256 of ${firstPath}` }).click();
      // "Copied" shows once the host has written the clipboard.
      await view.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
      assert.equal(await clipboard(), shown);
      await view.getByRole('button', { name: 'Copy sha256 as JSON' }).click();
      await view.getByRole('status').filter({ hasText: /^Copied the sha256 of .* as JSON\.$/ }).waitFor();
      const all = JSON.parse(await clipboard()) as Record<string, string>;
      const paths = await view.locator('td.col-path').allInnerTexts();
      assert.equal(all[firstPath], shown);
      assert.ok(Object.keys(all).length >= paths.length);
      assert.ok(Object.values(all).every((h) => /^[0-9a-f]{64}$/.test(h)));
      await wb.screenshot('08-hashes');
    });
  });

  it('says what a hostile file would run, even a call whose result the pickle throws away', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('hostile', async () => {
      const view = await inspect('extra/popped_system.pt', 'popped_system.pt');
      const calls = view.getByRole('list', { name: 'Calls loading would make' });
      assert.deepEqual(await calls.getByRole('listitem').allInnerTexts(), ["posix.system('touch /tmp/checkpoint-manager-pwned')"]);
      await wb.screenshot('09-hostile-calls');
    });
  });

  it("opens nanochat's tokenizer.pkl with Open With, as a plain pickle", { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('pickle', async () => {
      await openFromQuickOpen(wb.page, 'extra/tokenizer.pkl');
      // Not the default editor for .pkl: the text editor opens it and says it is binary.
      await wb.page.getByText('The file is not displayed in the text editor', { exact: false }).waitFor();
      // Explorer → Open With… → Checkpoint Inspector, as a user reopens it.
      const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tokenizer.pkl' });
      await chooseFromContextMenu(wb.page, row, /^Open With/);
      const input = wb.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Checkpoint Inspector' }).first().waitFor({ state: 'attached' });
      await input.fill('Checkpoint Inspector');
      await input.press('Enter');
      const view = wb.webview();
      await view.getByRole('heading', { name: 'tokenizer.pkl', exact: true }).waitFor({ timeout: 30_000 });
      await view.getByText('Python pickle', { exact: true }).waitFor();
      await view.getByText('tiktoken.core.Encoding').first().waitFor();
      await view.locator('code', { hasText: /^mergeable_ranks$/ }).waitFor();
      await wb.screenshot('10-pickle');
    });
  });
});
