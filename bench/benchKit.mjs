// What the listing benches share: bundling modules of src/core with esbuild and loading them (so
// a bench needs neither tsc output nor the extension build), numeric flags, and timing.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';

/** `--name N` from the command line, else `fallback`. */
export function numberArg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Wall time, and CPU time (user + system) which a busy shared machine distorts less. */
export async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, result };
}

const here = new URL('.', import.meta.url).pathname;

/** `exports`: module path below src/core → names, e.g. `{ 'listing/listRoot': ['listRoot'] }`. */
export async function loadCore(name, exports) {
  const tmp = join(here, '.tmp');
  mkdirSync(tmp, { recursive: true });
  const outfile = join(tmp, `${name}.cjs`);
  await esbuild.build({
    stdin: {
      contents: Object.entries(exports).map(([module, names]) => `export { ${names.join(', ')} } from './src/core/${module}';`).join('\n'),
      resolveDir: join(here, '..'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}
