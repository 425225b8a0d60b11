// Headless Debian chromium driven by playwright-core (never `playwright install`: no downloads).
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from './toolPaths.mjs';

const require = createRequire(import.meta.url);

/**
 * Launches chromium with a fresh profile. Returns the context and a `close()` that also removes
 * the profile.
 * @param {{viewport?: {width: number, height: number}}} options
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing; run: node scripts/ensure-vscode.mjs (it installs Debian's chromium)`);
  }
  const { chromium } = require('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'cpm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1400, height: 900 },
  });
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
