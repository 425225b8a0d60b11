#!/usr/bin/env node
// Runs the browser end-to-end tests (out/test/e2e/*.test.js, node:test) one file at a time and
// says where the screenshots went. `--update-screenshots` copies them into docs/screenshots/
// for the README (a deliberate step, so a test run never dirties the tree).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/toolPaths.mjs';

const outDir = join(repoRoot, 'test-results', 'e2e');
const docsDir = join(repoRoot, 'docs', 'screenshots');
const testDir = join(repoRoot, 'out', 'test', 'e2e');
const update = process.argv.includes('--update-screenshots');

if (!existsSync(testDir)) {
  console.error(`[e2e] ${testDir} is missing: run npx tsc -p . first`);
  process.exit(2);
}
const files = readdirSync(testDir).filter((n) => n.endsWith('.test.js')).sort().map((n) => join(testDir, n));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
console.log(`[e2e] ${files.length} file(s); screenshots go to ${outDir}`);
console.log(`[e2e] extension: ${process.env.CHECKPOINT_MANAGER_VSIX ? `packaged ${process.env.CHECKPOINT_MANAGER_VSIX}` : 'development (working tree)'}`);

const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CHECKPOINT_MANAGER_E2E_OUT: outDir },
  timeout: 12 * 60_000,
});
const code = result.status ?? 1;
const shots = readdirSync(outDir).filter((n) => n.endsWith('.png')).sort();
console.log(`[e2e] screenshots in ${outDir}: ${shots.join(', ') || 'none'}`);
if (update) {
  if (code !== 0) {
    console.error('[e2e] not updating docs/screenshots: the run failed');
  } else {
    mkdirSync(docsDir, { recursive: true });
    for (const s of shots) copyFileSync(join(outDir, s), join(docsDir, s));
    console.log(`[e2e] copied ${shots.length} screenshot(s) into ${docsDir}`);
  }
}
process.exit(code);
