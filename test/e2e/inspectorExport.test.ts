// Export and code from the inspector's page in a real browser, as a user does it: *Copy load code*
// puts this file's Python on the clipboard, and *Export for Inference…* asks for the format and
// the dtype, proposes a name beside the source in the save dialog, and says what it wrote.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkbench } from './support/workbench';
import type { Workbench } from './support/workbench';
import { openFromQuickOpen, runFromPalette } from './support/treeActions';

const STEP_TIMEOUT = 180_000;

describe('export and code from the inspector in the browser', { timeout: 8 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  after(async () => {
    await wb?.close();
  });

  it('copies the load code, then exports bf16 safetensors beside the file through the dialogs', { timeout: STEP_TIMEOUT }, async () => {
    await wb.step('export', async () => {
      await openFromQuickOpen(wb.page, 'checkpoints/best.pt');
      const view = wb.webview();
      await view.getByRole('heading', { name: 'best.pt', exact: true }).waitFor({ timeout: 30_000 });
      const actions = view.getByRole('toolbar', { name: 'Use this checkpoint' });
      await actions.getByRole('button', { name: 'Copy load code' }).click();
      // The host writes the clipboard after the click's round trip: look until it has.
      let code = '';
      for (let i = 0; i < 100 && !code.includes('weights_only=True'); i++) {
        await wb.page.waitForTimeout(100);
        code = await wb.page.evaluate(() => navigator.clipboard.readText());
      }
      assert.match(code, /state_dict = ckpt\["model_state_dict"\]/);

      await actions.getByRole('button', { name: 'Export for Inference…' }).click();
      const quick = wb.page.locator('.quick-input-widget');
      const row = (label: string) => quick.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      await row('Sharded safetensors').waitFor({ state: 'visible', timeout: 30_000 });
      await wb.screenshot('16-export-format');
      await row('One file, no pickle').click();
      await row('bfloat16').waitFor({ state: 'visible' });
      await row('bfloat16').click();
      // The save dialog (VS Code's own in the browser) opens on the proposed name.
      const input = quick.locator('input');
      await wb.page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('best-bf16.safetensors'), undefined, { timeout: 30_000 });
      await input.press('Enter');
      const out = join(wb.workspaceDir, 'checkpoints', 'best-bf16.safetensors');
      for (let i = 0; i < 600 && !existsSync(out); i++) await wb.page.waitForTimeout(100);
      // A modal dialog makes the rest of the workbench inert (a failure once said the palette's
      // input was): nothing here should ask anything more, so one that is up fails with its text.
      const dialog = wb.page.locator('.monaco-dialog-box');
      if (await dialog.isVisible()) assert.fail(`a dialog is open after the export: ${await dialog.innerText()}`);
      const message = wb.page.locator('.notification-list-item-message', { hasText: 'Exported' });
      // The toast, or (when it has gone by) the notification center, which keeps the message.
      const toast = await message.first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
      if (!toast) await runFromPalette(wb.page, 'Notifications: Show Notifications');
      await message.first().waitFor({ timeout: 60_000 });
      assert.match(await message.first().innerText(), /^Exported \d+ tensors to best-bf16\.safetensors: .+ of the .+ source, \d+ cast to bf16\.$/);
      assert.ok(existsSync(out));
      await wb.screenshot('17-exported');
    });
  });
});
