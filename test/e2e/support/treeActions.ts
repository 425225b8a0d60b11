// Tree and palette moves in the VS Code workbench, with the selectors measured in code-server
// 4.139.1 (listed in scripts/README.md).
import type { Locator, Page } from 'playwright-core';

/** Opens the extension's view container from the activity bar, unless it is already showing. */
export async function showContainer(page: Page, title: string): Promise<void> {
  const sidebarTitle = page.locator('.part.sidebar .composite.title');
  if (await sidebarTitle.isVisible() && (await sidebarTitle.innerText()).toUpperCase().includes(title.toUpperCase())) return;
  // A second click on an active icon collapses the sidebar, hence the check above.
  await page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`).click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible' });
}

/**
 * Expands collapsed tree rows in `scope`, one at a time, until `target` is visible. Knows
 * nothing of the tree's shape, so the tests do not depend on how deep a tag sits.
 */
export async function expandUntilVisible(scope: Locator, target: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const tried = new Set<string>();
  while (Date.now() < deadline) {
    if (await target.first().isVisible()) return;
    const collapsed = scope.locator('[role="treeitem"][aria-expanded="false"]');
    let expanded = false;
    for (let i = 0; i < (await collapsed.count()); i++) {
      const row = collapsed.nth(i);
      const label = (await row.getAttribute('aria-label')) ?? String(i);
      if (tried.has(label)) continue;
      tried.add(label);
      await row.locator('.monaco-tl-twistie').click();
      expanded = true;
      break;
    }
    // Nothing left to open: the tree may still be loading, so wait and look again.
    await scope.page().waitForTimeout(expanded ? 200 : 500);
    if (!expanded) tried.clear();
  }
  const rows = await scope.locator('[role="treeitem"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  throw new Error(`not visible after ${timeoutMs} ms of expanding: ${String(target)}; rows: ${JSON.stringify(rows)}`);
}

/** Runs a palette command by its full title ("Category: Title"). */
export async function runFromPalette(page: Page, title: string, beforeRun?: () => Promise<unknown>): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // Pressing Enter at once was flaky; clicking the matching row is not.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await beforeRun?.();
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file with Quick Open (Ctrl+P), in its default editor. */
export async function openFromQuickOpen(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Chooses `item` from the context menu of `row`. Measured in code-server 4.139.1: a pointer click
 * on a menu item just after the menu opens is lost every time (the menu stays drawn), and a row
 * redrawn by the tree's background scans can take the menu with it, or take the right-click
 * before any menu opens (one fresh-clone CI run waited 10 s for a menu that never came). So the
 * item is focused with the pointer and run with Enter, and the menu is opened again while it does
 * not open or does not close.
 */
export async function chooseFromContextMenu(page: Page, row: Locator, item: RegExp, attempts = 5): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  for (let attempt = 1; ; attempt++) {
    try {
      await row.click({ button: 'right' });
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      const entry = menu.getByRole('menuitem', { name: item });
      await entry.hover();
      await entry.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= attempts) throw new Error(`the context menu did not run ${String(item)} in ${attempts} attempts: ${String(err)}`);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  }
}
