// The mocha runner that VS Code loads inside the extension host (`--extensionTestsPath`). It runs
// every compiled `out/test/integration/**/*.test.js`, so a new test file needs no registration.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Files that must run in a host where the tree was never shown (lazyTree checks that nothing is
 * watched before it is): first, in this order, whatever other test files are named.
 */
const FIRST = ['activation.test.js', 'lazyTree.test.js'];

/** Compiled test files below `dir`, sorted so runs are repeatable, FIRST's ahead of the rest. */
export function findTestFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  const rank = (name: string): number => {
    const i = FIRST.indexOf(name);
    return i < 0 ? FIRST.length : i;
  };
  return entries
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(dir, name));
}

/** Called by VS Code; resolves when every test passed, rejects (exit code 1) otherwise. */
export function run(): Promise<void> {
  return runMocha(__dirname);
}

/** Runs every compiled test file below `dir` with mocha (test/untrusted has its own entry). */
export function runMocha(dir: string): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    // The output travels through the browser's console to a log: no escape codes.
    color: false,
    timeout: Number(process.env.CHECKPOINT_MANAGER_MOCHA_TIMEOUT_MS ?? 20_000),
  });
  const grep = process.env.CHECKPOINT_MANAGER_GREP;
  if (grep) mocha.grep(grep);
  const files = findTestFiles(dir);
  for (const file of files) mocha.addFile(file);
  // scripts/vscode-launcher.mjs starts echoing the window's log at this line.
  console.log(`[integration] mocha start: ${files.length} test file(s)`);

  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
