#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests would download: it
// takes the same command line (--extensionDevelopmentPath=, --extensionTestsPath=, a folder), runs
// the tests inside code-server's real extension host through the smoke-test driver, prints the
// host's console (the mocha reporter) and exits with the test run's exit code.
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import { resolve } from 'node:path';
import { startCodeServer } from './lib/codeServer.mjs';
import { launchBrowser } from './lib/browser.mjs';

// test/integration/index.ts logs this line just before mocha starts. The window's own log (network
// errors, auth timeouts) arrives through the same channel and is held back until a failure.
const START_MARKER = '[integration] mocha start';
const verbose = Boolean(process.env.CHECKPOINT_MANAGER_VERBOSE);
const timeoutMs = Number(process.env.CHECKPOINT_MANAGER_TEST_TIMEOUT_S ?? 300) * 1000;

function parseArgs(argv) {
  const parsed = { developmentPaths: [], testsPath: '', folder: '', untrusted: false };
  for (const arg of argv) {
    // Ours, not VS Code's: open the folder with workspace trust on, so it is untrusted.
    if (arg === '--checkpoint-manager-untrusted') parsed.untrusted = true;
    if (arg.startsWith('--extensionDevelopmentPath=')) parsed.developmentPaths.push(resolve(arg.slice(27)));
    else if (arg.startsWith('--extensionTestsPath=')) parsed.testsPath = resolve(arg.slice(21));
    else if (!arg.startsWith('-')) parsed.folder = resolve(arg);
    // Other desktop flags (--no-sandbox, --user-data-dir=...) mean nothing to code-server: each
    // run gets scratch folders anyway.
  }
  return parsed;
}

const say = (line) => console.log(`[vscode-launcher] ${line}`);

async function main() {
  const { developmentPaths, testsPath, folder, untrusted } = parseArgs(process.argv.slice(2));
  if (developmentPaths.length === 0 || !testsPath) {
    console.error('usage: vscode-launcher.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]');
    return 2;
  }
  // VS Code accepts the runner without its extension; be explicit for the remote URI.
  const testsFile = existsSync(testsPath) ? testsPath : `${testsPath}.js`;
  if (!existsSync(testsFile)) {
    console.error(`[vscode-launcher] no test runner at ${testsPath}`);
    return 2;
  }

  const started = Date.now();
  const server = await startCodeServer({ label: 'integration', args: ['--vscode-option', 'enable-smoke-test-driver'], workspaceTrust: untrusted });
  say(`code-server ${server.url} (pid ${server.pid}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  const pageErrors = [];
  let finish;
  const exitCode = new Promise((r) => { finish = r; });
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    const heldBack = [];
    let echoing = verbose;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // Mocha's reporter logs printf-style ('%s%s', ...), so format like console.log does.
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!echoing && text.includes(START_MARKER)) echoing = true;
      if (echoing) (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
      else heldBack.push(`[${type}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    const payload = [
      ...developmentPaths.map((p) => ['extensionDevelopmentPath', server.remoteUri(p)]),
      ['extensionTestsPath', server.remoteUri(testsFile)],
    ];
    await page.goto(server.folderUrl(folder || undefined, payload));
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const result = await exitCode;
    clearTimeout(timer);
    if (result === 'timeout') {
      console.error(`[vscode-launcher] the test run did not finish within ${timeoutMs / 1000} s`);
    }
    const code = result === 'timeout' ? 1 : result;
    if (code !== 0) {
      console.error(`[vscode-launcher] test run failed (exit ${code}); logs follow`);
      if (heldBack.length) console.error(`----- window log before the tests started\n${heldBack.slice(-60).join('\n')}`);
      if (pageErrors.length) console.error(`----- browser console errors\n${pageErrors.slice(-30).join('\n')}`);
      console.error(server.logs(40));
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => { console.error(`[vscode-launcher] ${err.stack ?? err}`); process.exit(1); },
);
