// One browser on one code-server with the extension and a fresh sample nanochat home, for the
// e2e tests. With CHECKPOINT_MANAGER_VSIX set the packaged extension is installed (what users
// get); otherwise the working tree is loaded as a development extension.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type * as BrowserLib from '../../../scripts/lib/browser.mjs' with { 'resolution-mode': 'import' };
import type * as CodeServerLib from '../../../scripts/lib/codeServer.mjs' with { 'resolution-mode': 'import' };
import type * as SampleHomeLib from '../../../scripts/lib/sampleHome.mjs' with { 'resolution-mode': 'import' };

/** The clone's root: the nearest folder above this file with scripts/lib. */
function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'scripts', 'lib', 'codeServer.mjs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no scripts/lib above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRepoRoot();

/** Where screenshots go; scripts/run-e2e.mjs prints it. */
export const screenshotDir = resolve(process.env.CHECKPOINT_MANAGER_E2E_OUT ?? join(repoRoot, 'test-results', 'e2e'));

function load<T>(name: string): Promise<T> {
  return import(pathToFileURL(join(repoRoot, 'scripts', 'lib', name)).href) as Promise<T>;
}

export interface Workbench {
  readonly page: Page;
  readonly nanochatDir: string;
  readonly workspaceDir: string;
  /** The sidebar part, where the Checkpoints tree lives. */
  sidebar(): Locator;
  /** The innermost frame of the active webview (the inspector's document). */
  webview(): FrameLocator;
  screenshot(name: string): Promise<string>;
  logs(): string;
  /** Runs one test's body; a failure, otherwise only a selector timeout, gets a screenshot and the server's logs. */
  step(name: string, body: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openWorkbench(settings: Record<string, unknown> = {}): Promise<Workbench> {
  const { prepareCodeServer, installVsix } = await load<typeof CodeServerLib>('codeServer.mjs');
  const { launchBrowser } = await load<typeof BrowserLib>('browser.mjs');
  const { makeSampleHome } = await load<typeof SampleHomeLib>('sampleHome.mjs');

  const fixtures = mkdtempSync(join(tmpdir(), 'cpm-e2e-fixtures-'));
  const sample = makeSampleHome(fixtures);
  const vsix = process.env.CHECKPOINT_MANAGER_VSIX;
  const server = prepareCodeServer({
    label: 'e2e',
    folder: sample.workspace,
    env: { NANOCHAT_BASE_DIR: sample.nanochat },
    settings,
    // Needed only to load the working tree through the URL payload.
    args: vsix ? [] : ['--vscode-option', 'enable-smoke-test-driver'],
  });
  let browser: BrowserLib.LaunchedBrowser | undefined;
  try {
    if (vsix) installVsix(resolve(vsix), server);
    await server.start();
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const payload: [string, string][] | undefined = vsix ? undefined : [['extensionDevelopmentPath', server.remoteUri(repoRoot)]];
    await page.goto(server.folderUrl(sample.workspace, payload));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    mkdirSync(screenshotDir, { recursive: true });
    const opened = browser;
    const screenshot = async (name: string): Promise<string> => {
      // Park the mouse so no hover tooltip covers the picture.
      await page.mouse.move(1250, 500);
      await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
      const file = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    };
    return {
      page,
      nanochatDir: sample.nanochat,
      workspaceDir: sample.workspace,
      sidebar: () => page.locator('.part.sidebar'),
      webview: () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame'),
      screenshot,
      logs: () => server.logs(40),
      async step(name, body) {
        try {
          await body();
        } catch (err) {
          await screenshot(`failed-${name}`).catch(() => undefined);
          throw new Error(`${err instanceof Error ? err.stack : String(err)}\n${server.logs(40)}`);
        }
      },
      async close() {
        await opened.close();
        await server.stop();
        rmSync(fixtures, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const logs = server.logs(40);
    await browser?.close();
    await server.stop();
    rmSync(fixtures, { recursive: true, force: true });
    throw new Error(`VS Code did not come up: ${err instanceof Error ? err.message : String(err)}\n${logs}`);
  }
}
