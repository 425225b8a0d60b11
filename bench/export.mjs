// Export for inference against `cp` of the same file, side by side in one run (production bundle,
// warm page cache), A B A B, three rounds each, the order turned by two each round: a 4 GiB
// float32 checkpoint written whole to .pt, to .safetensors, and cast to bf16 (targets: at most
// 1.25x cp's time without a cast, 2x with bf16). The export's peak RSS, less a bare CLI
// process's, is its memory growth (target: under 200 MB). A new target is renamed into place
// without an fsync, as cp leaves its data to the kernel; `cp` + `sync` and the export with
// `--sync` (the flush a replaced target always gets) are timed too. Before each contender,
// bench/touchMemory.mjs touches as much fresh memory as it will write, so that no contender pays
// for pages the host has taken back (see that file: on this virtual machine that alone moved a
// 4 GiB export from 2.1 s to 7 s, and cp from 1.8 s to 5.6 s).
// Needs Debian's python3-torch (bench/.tmp, deleted after).
// Usage: node bench/export.mjs [SIZE_MIB]. Prints Markdown.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus as cpus_, freemem, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { touchMemory } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const cli = join(root, 'dist', 'cli.js');
const hook = join(root, 'bench', 'rssHook.cjs');
const sizeMib = Number(process.argv[2] ?? 4096);
const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a contender under /usr/bin/time, for its CPU time next to the wall time. */
function timed(cmd, args) {
  return run('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args]);
}

function run(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /\{"benchMaxRssKiB":(\d+)/.exec(r.stderr);
  // /usr/bin/time's last line: user and system CPU seconds of the command and its children.
  const cpu = /^CPU (\S+) (\S+)$/m.exec(r.stderr);
  return { ms: performance.now() - t0, rssMiB: m ? Number(m[1]) / 1024 : undefined, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

mkdirSync(tmp, { recursive: true });
const big = join(tmp, `export_${sizeMib}.pt`);
const target = (ext) => join(tmp, `exported${ext}`);
const lines = [];
try {
  run('/usr/bin/python3', [join(root, 'bench', 'make_checkpoint.py'), String(sizeMib), big]);
  const gib = statSync(big).size / 2 ** 30;
  run('sh', ['-c', 'cat "$0" > /dev/null', big]);
  const bare = run(process.execPath, ['--require', hook, cli, '--help']).rssMiB;
  // The output's size and a GiB more, leaving the source's cached pages and a GiB of room.
  const warmGib = Math.max(1, Math.min(Math.ceil(gib) + 1, Math.floor(freemem() / 2 ** 30) - Math.ceil(gib) - 1));
  const warmMs = [];
  const warm = () => warmMs.push(touchMemory(warmGib));
  const contenders = {
    cp: () => timed('cp', [big, target('.copy')]),
    'cp + sync': () => timed('sh', ['-c', 'cp "$0" "$1" && sync "$1"', big, target('.copy')]),
    '.pt': () => timed(process.execPath, ['--require', hook, cli, 'export', big, target('.pt'), '--force']),
    '.safetensors': () => timed(process.execPath, ['--require', hook, cli, 'export', big, target('.safetensors'), '--force']),
    'bf16 .safetensors': () => timed(process.execPath, ['--require', hook, cli, 'export', big, target('.bf16.safetensors'), '--dtype', 'bf16', '--force']),
    '.pt --sync': () => timed(process.execPath, ['--require', hook, cli, 'export', big, target('.pt'), '--force', '--sync']),
  };
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const cpus = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const loads = [];
  const rss = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Each round starts two contenders further on, so that none always follows the same one.
    const order = Object.entries(contenders);
    for (const [name, go] of [...order.slice((2 * i) % order.length), ...order.slice(0, (2 * i) % order.length)]) {
      for (const ext of ['.copy', '.pt', '.safetensors', '.bf16.safetensors']) rmSync(target(ext), { force: true });
      // Flush everything first, so that no contender pays for the previous one's writeback.
      run('sync', []);
      warm();
      const r = go();
      times[name].push(r.ms);
      if (r.cpuMs !== undefined) cpus[name].push(r.cpuMs);
      loads.push(loadavg()[0]);
      if (r.rssMiB !== undefined) rss.push(r.rssMiB);
    }
  }
  const cp = median(times.cp);
  const cpSync = median(times['cp + sync']);
  lines.push(`| export of ${gib.toFixed(2)} GiB (median of ${ROUNDS}, A B A B) | time | CPU (user+sys) | of cp | of cp + sync |`, '|---|---|---|---|---|');
  for (const name of Object.keys(contenders)) {
    const t = median(times[name]);
    lines.push(`| ${name} | ${(t / 1000).toFixed(2)} s | ${(median(cpus[name]) / 1000).toFixed(2)} s | ${(t / cp).toFixed(2)}x | ${(t / cpSync).toFixed(2)}x |`);
  }
  lines.push('', `Peak RSS of an export: ${Math.max(...rss).toFixed(0)} MiB; a bare CLI process: ${bare.toFixed(0)} MiB; growth ${(Math.max(...rss) - bare).toFixed(0)} MiB (target: under 200 MB).`);
  lines.push(`Before each contender, ${warmGib} GiB of memory touched in ${Math.min(...warmMs)}–${Math.max(...warmMs)} ms (slow when the host had taken the pages back).`);
  lines.push(`Load average (1 min) while it ran: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${cpus_().length} cores.`);
  lines.push(`Rounds: ${Object.entries(times).map(([k, v]) => `${k} ${v.map((x) => (x / 1000).toFixed(2)).join('/')} s`).join('; ')}.`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`${lines.join('\n')}\n`);
