#!/usr/bin/env node
// Runs test/integration inside a real extension host: the standard @vscode/test-electron
// runTests call, with our code-server launcher standing in for a downloaded VS Code.
// Expects a compiled tree (npx tsc -p .) and a bundle (node esbuild.mjs).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSampleHome } from './lib/sampleHome.mjs';
import { repoRoot } from './lib/toolPaths.mjs';

const require = createRequire(import.meta.url);
const { runTests } = require('@vscode/test-electron');

const testsPath = join(repoRoot, 'out', 'test', 'integration', 'index.js');
if (!existsSync(testsPath)) {
  console.error(`[integration] ${testsPath} is missing: run npx tsc -p . first`);
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'cpm-integration-fixtures-'));
const sample = makeSampleHome(scratch);
for (const m of sample.missing) console.warn(`[integration] warning: ${m} is missing; using an empty placeholder`);
console.log(`[integration] fixtures copied to ${scratch}`);

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: join(repoRoot, 'scripts', 'vscode-launcher.mjs'),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsPath,
    launchArgs: [sample.workspace],
    extensionTestsEnv: { NANOCHAT_BASE_DIR: sample.nanochat },
  });
} catch (err) {
  // runTests rejects with "Test run failed with code N" after the output was printed.
  console.error(`[integration] ${err.message}`);
  code = typeof err.code === 'number' ? err.code : 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
