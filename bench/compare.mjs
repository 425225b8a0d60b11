// compare on two 1 GiB checkpoints (a step and the next, every weight nudged) and on two identical
// ones, side by side in one run with what it replaces and what bounds it:
// - the floor: reading both files from a warm page cache (`cat a b > /dev/null`), and `cmp -s a b`
//   (the byte comparison every system has: on identical files it reads both);
// - `node dist/cli.js compare a b --json` (production bundle): wall time (median of RUNS), peak
//   RSS and its growth over a bare `node`, exit code;
// - compareCheckpoints inside a running process with its kernel workers started (the extension);
// - a Python script that torch.loads both and computes the same statistics in float64
//   (bench/torch_compare.py), once per pair: it takes tens of seconds.
// Before each run of the CLI, the running process and torch, bench/touchMemory.mjs touches as
// much fresh memory as torch will hold (both files' tensors, and as much again), so that none pays
// for pages the host has taken back (see that file).
// Throughput is tensor bytes compared (both files) per second. The checkpoints are written once
// by torch (needs Debian's python3-torch) into $CHECKPOINT_MANAGER_CACHE (default
// ~/.cache/checkpoint-manager-dev)/bench-compare and kept for the next run. Prints a Markdown table.
import { existsSync, mkdirSync } from 'node:fs';
import { freemem, homedir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, median, needTorch, python, runTimed as run, touchMemory } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mib = Number(process.env.BENCH_COMPARE_MIB ?? 1024);
const cache = join(process.env.CHECKPOINT_MANAGER_CACHE ?? join(homedir(), '.cache', 'checkpoint-manager-dev'), 'bench-compare', String(mib));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);



/** The hook's report, the latest of its lines (worker threads inherit the hook and report too). */
const usageOf = (stderr) => {
  const lines = stderr.split('\n').filter((l) => l.startsWith('{"benchMaxRssKiB"')).map((l) => JSON.parse(l));
  return { benchMaxRssKiB: Math.max(...lines.map((l) => l.benchMaxRssKiB)), benchCpuMs: Math.max(...lines.map((l) => l.benchCpuMs)) };
};
const rssHook = join(root, 'bench', 'rssHook.cjs');

needTorch('compare');
const a = join(cache, 'step_a.pt');
const b = join(cache, 'step_b.pt');
const copy = join(cache, 'step_a_copy.pt');
if (![a, b, copy].every((f) => existsSync(f))) {
  mkdirSync(cache, { recursive: true });
  console.error(`writing ${mib} MiB checkpoints into ${cache} (once)…`);
  run(python, [join(root, 'bench', 'make_compare_pair.py'), String(mib), cache]);
}

// torch holds both files' tensors and about as much again (its peak RSS is about 4x one file);
// the page cache keeps both files.
const touchGib = Math.max(1, Math.min(Math.ceil((4 * mib) / 1024), Math.floor(freemem() / 2 ** 30) - Math.ceil((2 * mib) / 1024) - 1));
const touchMs = [];
const fresh = () => touchMs.push(touchMemory(touchGib));

const baseRss = usageOf(run(process.execPath, ['--require', rssHook, '-e', '0']).stderr).benchMaxRssKiB / 1024;
const rows = [];
for (const [label, other, want] of [['a step and the next', b, 1], ['identical files', copy, 0]]) {
  // Never through this process: Linux carries a parent's peak RSS over into its children's.
  // CPU time (user + system) is told too: a loaded machine stretches wall times, CPU time less.
  const readBoth = () => {
    const r = run('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', `cat "${a}" "${other}" > /dev/null`]);
    const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { ms: r.ms, cpu: (user + sys) * 1000 };
  };
  readBoth(); // warm the page cache
  const reads = Array.from({ length: RUNS }, readBoth);
  const cmps = Array.from({ length: RUNS }, () => {
    const r = run('/usr/bin/time', ['-f', '%U %S', 'cmp', '-s', a, other], [0, 1]);
    const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { ms: r.ms, cpu: (user + sys) * 1000 };
  });
  const floor = median(reads.map((r) => r.ms));
  const floorCpu = median(reads.map((r) => r.cpu));
  const load = loadavg()[0];
  const cli = [];
  const cliCpu = [];
  let rss = 0;
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    fresh();
    const r = run(process.execPath, ['--require', rssHook, join(root, 'dist', 'cli.js'), 'compare', a, other, '--json'], [want]);
    cli.push(r.ms);
    const usage = usageOf(r.stderr);
    rss = Math.max(rss, usage.benchMaxRssKiB / 1024);
    cliCpu.push(usage.benchCpuMs);
    const report = JSON.parse(r.stdout);
    bytes = report.bytes_compared;
    // Every weight of the next step moved; a copy moved none.
    const moved = want === 1 ? report.changed.length : report.identical.length;
    if (moved !== report.changed.length + report.identical.length || moved === 0) throw new Error(`unexpected report for ${label}: ${report.changed.length} changed, ${report.identical.length} identical`);
  }
  fresh();
  const inProcess = lastJson(run(process.execPath, [join(root, 'out', 'bench', 'compareCost.js'), a, other, String(RUNS)]).stdout);
  fresh();
  const torch = lastJson(run(python, [join(root, 'bench', 'torch_compare.py'), a, other]).stdout);
  const row = { label, load, bytes, floor, floorCpu, cmpMs: median(cmps.map((r) => r.ms)), cmpCpu: median(cmps.map((r) => r.cpu)), cliMs: median(cli), cliCpu: median(cliCpu), rss, growth: rss - baseRss, inProcessMs: inProcess.ms, torchMs: torch.ms, torchRss: torch.maxRssMiB };
  rows.push(row);
  console.error(JSON.stringify(row));
}
const gbps = (bytes, ms) => (bytes / (ms / 1000) / 1e9).toFixed(2);
console.log(`Two ${(mib / 1024).toFixed(2)} GiB checkpoints; load average at the start of each row in the first column. Before each run of the CLI, the running process and torch, ${touchGib} GiB of memory touched in ${Math.min(...touchMs)}–${Math.max(...touchMs)} ms (slow when the host had taken the pages back).\n`);
console.log('| pair (load) | read both, warm (`cat`): wall, CPU | `cmp -s`: wall, CPU | CLI compare (median of ' + RUNS + '): wall, CPU | CLI peak RSS (growth) | in a running process | torch: load both + stats | torch peak RSS | torch ÷ CLI |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.label} (${r.load.toFixed(1)}) | ${r.floor.toFixed(0)} ms (${gbps(r.bytes, r.floor)} GB/s), ${r.floorCpu.toFixed(0)} ms | ${r.cmpMs.toFixed(0)} ms, ${r.cmpCpu.toFixed(0)} ms | ${r.cliMs.toFixed(0)} ms (${gbps(r.bytes, r.cliMs)} GB/s), ${r.cliCpu.toFixed(0)} ms | ${r.rss.toFixed(0)} MiB (+${r.growth.toFixed(0)}) | ${r.inProcessMs.toFixed(0)} ms, ${gbps(r.bytes, r.inProcessMs)} GB/s | ${r.torchMs.toFixed(0)} ms | ${r.torchRss.toFixed(0)} MiB | ${(r.torchMs / r.cliMs).toFixed(1)}× |`);
}
