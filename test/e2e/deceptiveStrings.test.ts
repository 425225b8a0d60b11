// Keys that try to deceive, in a real browser: markup stays text (no element, no script, no
// dialog), bidi controls and zero-width characters show as escapes, and a 5,000-character key is
// cut with an ellipsis instead of widening the page (its full text stays in the tooltip and the
// copy). The file is written by torch (test/fixtures/build_deceptive.py).
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFromQuickOpen } from './support/treeActions';
import { openWorkbench, repoRoot } from './support/workbench';
import type { Workbench } from './support/workbench';

const fixtureDir = join(repoRoot, 'test', 'fixtures', 'deceptive');
const keys = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')) as Record<string, string>;

describe('strings from a checkpoint cannot deceive', { timeout: 5 * 60_000 }, () => {
  let wb: Workbench;
  const dialogs: string[] = [];

  before(async () => {
    wb = await openWorkbench();
    mkdirSync(join(wb.workspaceDir, 'downloads'), { recursive: true });
    copyFileSync(join(fixtureDir, 'deceptive_keys.pt'), join(wb.workspaceDir, 'downloads', 'deceptive_keys.pt'));
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  after(async () => {
    await wb?.close();
  });

  it('markup is text, hidden characters are escapes, and a 5,000-character key keeps the page width', { timeout: 180_000 }, async () => {
    await wb.step('deceptive-keys', async () => {
      await openFromQuickOpen(wb.page, 'downloads/deceptive_keys.pt');
      const view = wb.webview();
      await view.getByRole('heading', { name: 'deceptive_keys.pt', exact: true }).waitFor({ timeout: 30_000 });
      await view.locator('.tensors tr.row').first().waitFor();

      // Markup: the keys table shows it as text, and the page has no element made from it.
      const keyCells = view.locator('code');
      await keyCells.filter({ hasText: keys.img! }).first().waitFor();
      assert.ok((await view.locator('td').filter({ hasText: keys.script! }).count()) > 0, 'the </script> value is shown as text');
      const page = await view.locator('body').evaluate(() => ({
        images: document.querySelectorAll('img').length,
        scripts: Array.from(document.querySelectorAll('script')).map((s) => s.textContent ?? '').filter((t) => t.includes('alert')).length,
        hidden: /[\u202a-\u202e\u2066-\u2069\u200b]/u.test(document.body.innerText),
        titlesHidden: Array.from(document.querySelectorAll('[title]')).some((e) => /[\u202a-\u202e\u2066-\u2069\u200b]/u.test(e.getAttribute('title') ?? '')),
        width: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
      }));
      assert.deepEqual({ images: page.images, scripts: page.scripts, hidden: page.hidden, titlesHidden: page.titlesHidden }, { images: 0, scripts: 0, hidden: false, titlesHidden: false });
      assert.deepEqual(dialogs, []);

      // Bidi controls and zero-width characters read as escapes, in the table and the config.
      const paths = view.locator('td.col-path');
      for (const shown of ['model_state_dict.model_state_dict.\\u202egnp.exe', 'model_state_dict.head\\u2066hidden\\u2069.weight', 'model_state_dict.wte\\u200b.weight']) {
        assert.equal(await paths.filter({ hasText: shown }).count(), 1, shown);
      }

      // The 5,000-character key: the page is no wider than the editor, the key is cut on screen
      // and whole in its tooltip and its text.
      assert.ok(page.width <= page.viewport + 1, `the page is ${page.width} px wide in a ${page.viewport} px editor`);
      const long = keyCells.filter({ hasText: 'xxxxxxxxxx' }).first();
      const cut = await long.evaluate((e) => ({ text: e.textContent ?? '', title: e.getAttribute('title') ?? '', shown: e.clientWidth, full: e.scrollWidth, viewport: document.documentElement.clientWidth }));
      assert.ok(cut.text.length > 5000 && cut.title === cut.text, 'the full key is in the text and the tooltip');
      assert.ok(cut.shown < cut.full && cut.shown <= cut.viewport, `the key is cut to ${cut.shown} of ${cut.full} px`);
      const longPath = paths.filter({ hasText: 'xxxxxxxxxx' }).first();
      assert.equal(await longPath.getAttribute('title'), `model_state_dict.${keys.long}`);
    });
  });
});
