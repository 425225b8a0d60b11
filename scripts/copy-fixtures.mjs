#!/usr/bin/env node
// `node scripts/copy-fixtures.mjs <dir>`: fresh copies of the fixture nanochat home and workspace
// under <dir>/nanochat and <dir>/workspace. Used by the F5 launch configurations in .vscode/, so
// a desktop debugging session lists the samples, never the user's ~/.cache/nanochat.
import { resolve } from 'node:path';
import { makeSampleHome } from './lib/sampleHome.mjs';

const target = process.argv[2];
if (!target) {
  console.error('usage: copy-fixtures.mjs <dir>');
  process.exit(2);
}
const sample = makeSampleHome(resolve(target));
for (const m of sample.missing) console.warn(`[copy-fixtures] warning: ${m} is missing; an empty placeholder is used`);
console.log(`[copy-fixtures] nanochat home: ${sample.nanochat}`);
console.log(`[copy-fixtures] workspace:     ${sample.workspace}`);
