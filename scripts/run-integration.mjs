#!/usr/bin/env node
// Runs test/integration inside a real extension host: the standard @vscode/test-electron
// runTests call, with our code-server launcher standing in for a downloaded VS Code.
// Expects a compiled tree (npx tsc -p .) and a bundle (node esbuild.mjs). A second run opens a
// workspace with workspace trust on, so it is untrusted, and runs test/untrusted there: its own
// settings ask for `extraFolders: ["/"]` and must not be applied.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSampleHome } from './lib/sampleHome.mjs';
import { repoRoot } from './lib/toolPaths.mjs';

const require = createRequire(import.meta.url);
const { runTests } = require('@vscode/test-electron');

const testsPath = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const untrustedTestsPath = join(repoRoot, 'out', 'test', 'untrusted', 'index.js');
for (const p of [testsPath, untrustedTestsPath]) {
  if (!existsSync(p)) {
    console.error(`[integration] ${p} is missing: run npx tsc -p . first`);
    process.exit(2);
  }
}

/** A workspace whose own settings try to widen the extension's reach, with one checkpoint to read. */
function untrustedWorkspace(dir) {
  const workspace = join(dir, 'untrusted-workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
    'checkpointManager.extraFolders': ['/'],
    'checkpointManager.scanDepth': 12,
    'checkpointManager.nanochatBaseDir': '/',
    'checkpointManager.maxInMemoryMiB': 16384,
  }, null, 2));
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'hostile', 'os_system.pt'), join(workspace, 'downloaded.pt'));
  return workspace;
}

const scratch = mkdtempSync(join(tmpdir(), 'cpm-integration-fixtures-'));
const sample = makeSampleHome(scratch);
for (const m of sample.missing) console.warn(`[integration] warning: ${m} is missing; using an empty placeholder`);
console.log(`[integration] fixtures copied to ${scratch}`);

/** One runTests call; its exit code (runTests rejects with "Test run failed with code N" after the output was printed). */
async function run(tests, launchArgs) {
  try {
    return await runTests({
      vscodeExecutablePath: join(repoRoot, 'scripts', 'vscode-launcher.mjs'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: tests,
      launchArgs,
      extensionTestsEnv: { NANOCHAT_BASE_DIR: sample.nanochat },
    });
  } catch (err) {
    console.error(`[integration] ${err.message}`);
    return typeof err.code === 'number' ? err.code : 1;
  }
}

let code = 1;
try {
  const trusted = await run(testsPath, [sample.workspace]);
  const untrusted = await run(untrustedTestsPath, [untrustedWorkspace(scratch), '--checkpoint-manager-untrusted']);
  code = trusted || untrusted;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
