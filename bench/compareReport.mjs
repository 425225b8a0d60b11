// What the compare report costs the extension: two checkpoints (the pair bench/compare.mjs writes:
// a step and the next, every weight nudged) opened as sessions in a session worker child process
// (as the extension runs it), compared there, then one tensor pair's detail (both statistics and
// the histogram of B - A) on the largest tensor. Measured from the host's side: wall time of each
// request, the host's event-loop delay while they run (its thread stays free: the work is in the
// worker), and the host's RSS growth. Needs the production bundle (dist/sessionWorker.js).
// BENCH_COMPARE_MIB sets the size (default 1024, shared with bench/compare.mjs's cache).
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCore, runTimed, timed } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mib = Number(process.env.BENCH_COMPARE_MIB ?? 1024);
const cache = join(process.env.CHECKPOINT_MANAGER_CACHE ?? join(homedir(), '.cache', 'checkpoint-manager-dev'), 'bench-compare', String(mib));
const a = join(cache, 'step_a.pt');
const b = join(cache, 'step_b.pt');
if (![a, b].every((f) => existsSync(f))) {
  mkdirSync(cache, { recursive: true });
  console.error(`writing ${mib} MiB checkpoints into ${cache} (once)…`);
  runTimed('/usr/bin/python3', [join(root, 'bench', 'make_compare_pair.py'), String(mib), cache]);
}
const { SessionClient } = await loadCore('compareReport', { 'session/sessionClient': ['SessionClient'] });
const client = new SessionClient({ script: join(root, 'dist', 'sessionWorker.js'), kind: 'process', idleMs: 0 });
const load = loadavg()[0];
const rss0 = process.memoryUsage().rss;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const opened = await timed(() => Promise.all([client.openSession({ kind: 'file', path: a }), client.openSession({ kind: 'file', path: b })]));
const [sa, sb] = opened.result;
const compared = await timed(() => sa.compareWith(sb));
const { report } = compared.result;
const largest = report.changed.reduce((m, c) => (c.nbytes > m.nbytes ? c : m));
const detail = await timed(() => Promise.all([sa.stats(largest.path), sb.stats(largest.path), sa.differenceWith(sb, largest.path, largest.path)]));
delay.disable();
const growth = (process.memoryUsage().rss - rss0) / 2 ** 20;
await Promise.all([sa.close(), sb.close()]);
await client.dispose();
const gbps = (bytes, ms) => (bytes / (ms / 1000) / 1e9).toFixed(2);
console.log(`Two ${mib} MiB checkpoints, load average ${load.toFixed(1)} at the start.\n`);
console.log('| open both | compare (tensor bytes) | detail of the largest tensor (3 reads of it, 2 passes each) | host event-loop delay, max | host RSS growth |');
console.log('|---|---|---|---|---|');
console.log(
  `| ${opened.ms.toFixed(0)} ms | ${compared.ms.toFixed(0)} ms, ${gbps(report.bytes_compared, compared.ms)} GB/s | ${detail.ms.toFixed(0)} ms (${(largest.nbytes / 2 ** 20).toFixed(0)} MiB ${largest.dtype}) | ${(delay.max / 1e6).toFixed(1)} ms | ${growth.toFixed(0)} MiB |`,
);
