#!/usr/bin/env node
// Assembles the WebAssembly kernels from their text (src/core/stats/wasm/*.wat) with wabt, and
// writes each as a TypeScript module holding its bytes beside it, so that tsc's output
// (the unit tests) and esbuild's bundles load the same bytes without a loader. `--check` only
// compares: it fails when a committed module no longer matches its source.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'stats', 'wasm');
const check = process.argv.includes('--check');
const wabt = await wabtInit();
let stale = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.wat'))) {
  const module = wabt.parseWat(name, readFileSync(join(dir, name), 'utf8'), { simd: true });
  module.validate();
  const bytes = Buffer.from(module.toBinary({}).buffer);
  module.destroy();
  const base = name.replace(/\.wat$/, '');
  const out = join(dir, `${base}Bytes.ts`);
  const rows = [];
  for (let i = 0; i < bytes.length; i += 32) rows.push(`  ${[...bytes.subarray(i, i + 32)].join(', ')},`);
  const text =
    `// Generated from ${name} by scripts/build-wasm.mjs (npm run wasm); do not edit.\n` +
    `export const ${base}Bytes = new Uint8Array([\n${rows.join('\n')}\n]);\n`;
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // not written yet
  }
  if (current === text) continue;
  if (check) {
    console.error(`build-wasm: ${out} does not match ${name}; run npm run wasm`);
    stale++;
  } else {
    writeFileSync(out, text);
    console.log(`build-wasm: wrote ${out} (${bytes.length} bytes of WebAssembly)`);
  }
}
process.exit(stale ? 1 : 0);
