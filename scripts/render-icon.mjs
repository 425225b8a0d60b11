#!/usr/bin/env node
// Renders media/extension-icon.svg to media/extension-icon.png (128x128, transparent corners):
// the Marketplace and the Extensions view need a PNG. Run after editing the SVG; the PNG is
// committed so packaging needs no browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { repoRoot } from './lib/toolPaths.mjs';

const svg = readFileSync(join(repoRoot, 'media', 'extension-icon.svg'), 'utf8');
const browser = await launchBrowser({ viewport: { width: 128, height: 128 } });
try {
  const page = await browser.context.newPage();
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(repoRoot, 'media', 'extension-icon.png'), omitBackground: true });
  console.log('wrote media/extension-icon.png');
} finally {
  await browser.close();
}
