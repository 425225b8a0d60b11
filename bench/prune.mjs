// Prune benchmark: a generated nanochat home of 50 tags × 100 steps (model, meta and two
// optimizer ranks per step: 20,000 files), pruned to the latest 3 per tag by the CLI, side by
// side with what a person would type instead: a shell pipeline that picks the same files (by
// name only: no best, no protections, no sidecars), and `rm` of those files. Each timing is a
// fresh process (node's start included); medians of --runs.
// Usage: node bench/prune.mjs [--tags 50] [--steps 100] [--runs 5] (after `node esbuild.mjs`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { numberArg } from './benchKit.mjs';

const TAGS = numberArg('tags', 50);
const STEPS = numberArg('steps', 100);
const RUNS = numberArg('runs', 5);
const KEEP = 3;

const here = new URL('.', import.meta.url).pathname;
const cli = join(here, '..', 'dist', 'cli.js');
const tmp = join(here, '.tmp', 'prune');
const home = join(tmp, 'nanochat-home');
// NODE_EXTRA_CA_CERTS costs every node start ~100 ms on this machine (see the README): unset.
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '', XDG_DATA_HOME: join(tmp, 'data') };

async function makeHome() {
  await rm(home, { recursive: true, force: true });
  const kinds = ['base_checkpoints', 'mid_checkpoints', 'chatsft_checkpoints', 'chatrl_checkpoints'];
  for (let t = 0; t < TAGS; t++) {
    const dir = join(home, kinds[t % kinds.length], `d${t + 1}`);
    await mkdir(dir, { recursive: true });
    const writes = [];
    for (let s = 1; s <= STEPS; s++) {
      const step = String(s * 100).padStart(6, '0');
      // The best val_bpb is at the middle step, so it is protected outside the latest 3.
      const meta = { step: s * 100, val_bpb: 1 + Math.abs(s - STEPS / 2) / STEPS, user_config: { num_iterations: STEPS * 100 } };
      writes.push(writeFile(join(dir, `model_${step}.pt`), Buffer.alloc(1024)));
      writes.push(writeFile(join(dir, `meta_${step}.json`), JSON.stringify(meta)));
      writes.push(writeFile(join(dir, `optim_${step}_rank0.pt`), Buffer.alloc(2048)));
      writes.push(writeFile(join(dir, `optim_${step}_rank1.pt`), Buffer.alloc(2048)));
    }
    await Promise.all(writes);
  }
  // Dated an hour back, so nothing counts as being written now.
  execFileSync('find', [home, '-exec', 'touch', '-d', '1 hour ago', '{}', '+']);
}

function timedRun(cmd, args, options = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return { ms: performance.now() - t0, out: r.stdout };
}

// What a person would write: per tag folder, every step but the last 3 (by name), all its files.
const PICK = `for d in "$0"/*/*/; do steps=$(ls "$d" | sed -nE 's/^model_([0-9]+)\\.pt$/\\1/p' | sort | head -n -${KEEP} | paste -sd'|'); [ -n "$steps" ] && ls "$d" | grep -E "^(model|meta|optim)_($steps)(_rank[0-9]+)?\\.(pt|json)$" | sed "s|^|$d|"; done; true`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plan = [];
const pick = [];
const trash = [];
const permanent = [];
const remove = [];
let planned;
for (let i = 0; i < RUNS; i++) {
  await makeHome();
  const p = timedRun(process.execPath, [cli, 'prune', home, '--keep-last', String(KEEP), '--dry-run', '--json']);
  plan.push(p.ms);
  planned = JSON.parse(p.out);
  const shell = timedRun('bash', ['-c', PICK, home]);
  pick.push(shell.ms);
  const files = shell.out.trim().split('\n');
  trash.push(timedRun(process.execPath, [cli, 'prune', home, '--keep-last', String(KEEP), '--yes', '--json']).ms);
  await makeHome();
  permanent.push(timedRun(process.execPath, [cli, 'prune', home, '--keep-last', String(KEEP), '--yes', '--permanent', '--json']).ms);
  await makeHome();
  remove.push(timedRun('xargs', ['-d', '\n', 'rm', '--'], { input: files.join('\n') }).ms);
  await rm(join(tmp, 'data'), { recursive: true, force: true });
}
const deleted = planned.delete.length;
const protectedBest = planned.keep.filter((k) => k.reason.includes('best val_bpb') && !k.reason.includes('latest')).length;
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`nanochat home: ${TAGS} tags × ${STEPS} steps, ${TAGS * STEPS * 4} files; keep the latest ${KEEP} per tag`);
console.log(`plan (prune --dry-run --json):          ${median(plan).toFixed(0)} ms  (${deleted} steps to delete, ${protectedBest} best steps kept besides the latest)`);
console.log(`shell pipeline (ls | sort | head), names only: ${median(pick).toFixed(0)} ms  (no best, no protections, no reasons)`);
console.log(`prune --yes (second look, to the trash): ${median(trash).toFixed(0)} ms  (${deleted * 4} files, each with its .trashinfo)`);
console.log(`prune --yes --permanent:                ${median(permanent).toFixed(0)} ms`);
console.log(`rm of the files the pipeline picked:    ${median(remove).toFixed(0)} ms`);
await rm(tmp, { recursive: true, force: true });
