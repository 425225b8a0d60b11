// What the benches share: bundling modules of src/core with esbuild and loading them (so a bench
// needs neither tsc output nor the extension build), numeric flags, timing in process and of
// whole commands, the median, Debian's torch, and the last JSON line a command printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/**
 * The environment the benched commands run in: without NODE_EXTRA_CA_CERTS, which makes every
 * Node process parse a CA bundle at start-up (about 100 ms here) for nothing a bench does.
 */
export const benchEnv = { ...process.env };
delete benchEnv.NODE_EXTRA_CA_CERTS;

/** Debian's Python, whose torch writes the checkpoints the benches read and times torch.load. */
export const python = '/usr/bin/python3';

/** Exits with a message unless Debian's torch is there. */
export function needTorch(bench) {
  if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    console.error(`bench/${bench}: needs /usr/bin/python3 with torch (apt-get install python3-torch).`);
    process.exit(1);
  }
}

/** Exits with a message unless the production bundle `path` (below the repository) was built. */
export function needBuilt(bench, path) {
  if (!existsSync(join(here, '..', path))) {
    console.error(`bench/${bench}: build first (node esbuild.mjs --production).`);
    process.exit(1);
  }
}

/** The last line of `text` that is a JSON object (what a timed script printed last). */
export const lastJson = (text) => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop());

/** Runs a command to its end and times it as a whole; any exit status but `okCodes` throws. */
export function runTimed(cmd, args, okCodes = [0]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: benchEnv });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs bench/touchMemory.mjs over `gib` GiB in a process of its own, so that the next contender's
 * fresh pages are backed by the host (see there); returns how long the touch took, in ms.
 */
export function touchMemory(gib) {
  const r = spawnSync(process.execPath, [join(here, 'touchMemory.mjs'), String(gib)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`touchMemory failed: ${r.stderr}`);
  return Number(r.stdout);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
