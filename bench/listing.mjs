// Listing benchmark: a generated nanochat home of 50 tags × 100 steps (model, meta sidecar and
// one optimizer shard per step: 15,000 files, 5,000 JSON sidecars), listed cold (fresh process,
// no sidecar cache), again without the cache, and warm (cache filled, as the tree refreshes).
// Usage: node bench/listing.mjs [--tags 50] [--steps 100] [--runs 5]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCore, numberArg, timed as time } from './benchKit.mjs';

const TAGS = numberArg('tags', 50);
const STEPS = numberArg('steps', 100);
const RUNS = numberArg('runs', 5);

const here = new URL('.', import.meta.url).pathname;
const tmp = join(here, '.tmp');
const home = join(tmp, 'nanochat-home');

await mkdir(tmp, { recursive: true });
const { listRoot, createSidecarCache } = await loadCore('listing', { 'listing/listRoot': ['listRoot'], 'listing/sidecars': ['createSidecarCache'] });

if (!process.argv.includes("--keep")) await rm(home, { recursive: true, force: true });
const kinds = ['base_checkpoints', 'mid_checkpoints', 'chatsft_checkpoints', 'chatrl_checkpoints'];
let files = 0;
for (let t = 0; t < TAGS; t++) {
  const dir = join(home, kinds[t % kinds.length], `d${t + 1}`);
  await mkdir(dir, { recursive: true });
  const writes = [];
  for (let s = 1; s <= STEPS; s++) {
    const step = String(s * 100).padStart(6, '0');
    const meta = { step: s * 100, val_bpb: 1 / s + t / 1000, model_config: { n_layer: t + 1, n_head: 4, n_embd: 256, vocab_size: 65536 }, user_config: { lr: 0.02 }, device_batch_size: 32 };
    writes.push(writeFile(join(dir, `model_${step}.pt`), Buffer.alloc(1024)));
    writes.push(writeFile(join(dir, `meta_${step}.json`), JSON.stringify(meta)));
    writes.push(writeFile(join(dir, `optim_${step}_rank0.pt`), Buffer.alloc(2048)));
    files += 3;
  }
  await Promise.all(writes);
}

const cold = await time(() => listRoot(home));
const checkpoints = cold.result.runs.reduce((n, r) => n + r.checkpoints.length, 0);
if (cold.result.runs.length !== TAGS || checkpoints !== TAGS * STEPS) {
  throw new Error(`listing is wrong: ${cold.result.runs.length} runs, ${checkpoints} checkpoints`);
}
const noCache = [];
for (let i = 0; i < RUNS; i++) noCache.push(await time(() => listRoot(home)));
const cache = createSidecarCache();
await listRoot(home, { cache });
const warm = [];
for (let i = 0; i < RUNS; i++) warm.push(await time(() => listRoot(home, { cache })));

const median = (xs, key) => xs.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (t) => `${t.ms.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU`;
const med = (xs) => fmt({ ms: median(xs, 'ms'), cpu: median(xs, 'cpu') });
console.log(`load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`nanochat home: ${TAGS} tags × ${STEPS} steps = ${checkpoints} checkpoints, ${files} files (${TAGS * STEPS} meta sidecars)`);
console.log(`cold (first listing in this process, no sidecar cache): ${fmt(cold)}`);
console.log(`no sidecar cache (median of ${RUNS}):                   ${med(noCache)}`);
console.log(`warm (sidecar cache filled, median of ${RUNS}):          ${med(warm)}`);
if (!process.argv.includes("--keep")) await rm(home, { recursive: true, force: true });
