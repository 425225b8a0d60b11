// The session's targets, side by side in one run (production bundles, warm page cache):
// - `inspect --sha256` of a 4 GiB checkpoint against `openssl dgst -sha256` of the same file,
//   A B A B (target: at most 0.75x of openssl's time: tensors are hashed on every core);
// - the extension host's event-loop delay while the session worker parses and hashes that file
//   (perf_hooks.monitorEventLoopDelay; target: no stall over 50 ms);
// - the summary of that file through the session worker, from the open request (target: 400 ms);
// - statistics of a 1 GiB float32 and a 1 GiB bfloat16 tensor (targets: 1 GB/s and 0.5 GB/s),
//   with the process's RSS growth sampled while they run (target: under 64 MB), the kernel
//   workers started before (their fixed cost is reported on its own line).
// Needs Debian's python3-torch to write the files (bench/.tmp, deleted after). Prints Markdown.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCore, median, runTimed as run } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const python = '/usr/bin/python3';


/** Reads a file once so that every contender finds it in the page cache. */
const warm = (file) => run('sh', ['-c', 'cat "$0" > /dev/null', file]);

const { SessionClient, CheckpointSession, KernelPool } = await loadCore('session', {
  'session/sessionClient': ['SessionClient'],
  'session/checkpointSession': ['CheckpointSession'],
  'parallel/kernelPool': ['KernelPool'],
});
const dist = join(root, 'dist');
mkdirSync(tmp, { recursive: true });
const big = join(tmp, 'session_4096.pt');
const statsFile = join(tmp, 'session_stats.pt');
const lines = [];
try {
  if (process.argv.includes('--skip-hash') === false) {
    run(python, [join(root, 'bench', 'make_checkpoint.py'), '4096', big]);
    const gib = statSync(big).size / 2 ** 30;
    warm(big);
    const ours = [];
    const openssl = [];
    for (let i = 0; i < 3; i++) {
      openssl.push(run('openssl', ['dgst', '-sha256', big]).ms);
      ours.push(run(process.execPath, [join(dist, 'cli.js'), 'inspect', big, '--json', '--sha256']).ms);
    }
    lines.push(`| sha256 of ${gib.toFixed(2)} GiB: CLI inspect --sha256 vs openssl dgst -sha256 (median of 3, A B A B) | ${median(ours).toFixed(0)} ms | ${median(openssl).toFixed(0)} ms | ${(median(ours) / median(openssl)).toFixed(2)}x of openssl's time |`);

    // As the extension runs it: a child process.
    const client = new SessionClient({ script: join(dist, 'sessionWorker.js'), idleMs: 0, kind: 'process' });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = performance.now();
    const session = await client.openSession({ kind: 'file', path: big });
    const openMs = performance.now() - t0;
    await session.summaryWithHashes();
    delay.disable();
    await session.close();
    await client.dispose();
    lines.push(`| summary of ${gib.toFixed(2)} GiB through the session worker (a child process), from the open request (its start included) | ${openMs.toFixed(0)} ms | | target 400 ms |`);
    lines.push(`| host event-loop delay while the worker parses and hashes it | max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms | | target: no stall over 50 ms |`);
    rmSync(big, { force: true });
  }

  run(python, [join(root, 'bench', 'make_stats_checkpoint.py'), statsFile]);
  warm(statsFile);
  const pool = new KernelPool({ script: join(dist, 'kernelWorker.js') });
  const session = await CheckpointSession.open({ kind: 'file', path: statsFile }, { pool });
  // The workers start first: their fixed cost (an isolate each) is measured apart from the work.
  const bare = process.memoryUsage().rss;
  await Promise.all(Array.from({ length: pool.size }, () => pool.run('sha256', { plans: [] })));
  lines.push(`| the kernel workers' fixed cost (${pool.size} threads started) | RSS +${((process.memoryUsage().rss - bare) / 2 ** 20).toFixed(0)} MiB | | once per process |`);
  for (const [path, target] of [['w', 1], ['h', 0.5]]) {
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const times = [];
    let stats;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      stats = await session.stats(path);
      times.push(performance.now() - t0);
    }
    clearInterval(sampler);
    const bytes = stats.count * (path === 'w' ? 4 : 2);
    const gbps = bytes / 1e9 / (median(times) / 1000);
    lines.push(`| statistics of a 1 GiB ${path === 'w' ? 'float32' : 'bfloat16'} tensor (median of 3) | ${median(times).toFixed(0)} ms = ${gbps.toFixed(2)} GB/s | RSS growth ${((peak - base) / 2 ** 20).toFixed(0)} MiB | target ${target} GB/s, 64 MB |`);
  }
  await session.close();
  await pool.dispose();
} finally {
  rmSync(big, { force: true });
  rmSync(statsFile, { force: true });
}
console.log('| measurement | ours | other | against the target |');
console.log('|---|---|---|---|');
for (const l of lines) console.log(l);
