// Types for browser.mjs.
import type { BrowserContext } from 'playwright-core';

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export function launchBrowser(options?: { viewport?: { width: number; height: number } }): Promise<LaunchedBrowser>;
