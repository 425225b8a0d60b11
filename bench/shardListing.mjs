// Listing sharded sets (issue 13's target: a set of 100 shards listed in under 200 ms): a folder
// holding a Hugging Face set of 100 numbered shards and its index, a Trainer `checkpoint-N/` of 100
// shards, and a torch.distributed.checkpoint folder of 100 `.distcp` files. Each is listed in
// process (first listing, then the median of --runs), and by the CLI `list` as a whole process.
// Usage: node bench/shardListing.mjs [--shards 100] [--runs 9] [--keep]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadCore, median, numberArg, runTimed, timed } from './benchKit.mjs';

const SHARDS = numberArg('shards', 100);
const RUNS = numberArg('runs', 9);
const keep = process.argv.includes('--keep');

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '.tmp', `shard-sets-${SHARDS}`);
const cli = join(here, '..', 'dist', 'cli.js');
const { listRoot } = await loadCore('shardListing', { 'listing/listRoot': ['listRoot'] });

const pad = (n) => String(n).padStart(5, '0');
async function hfSet(dir) {
  await mkdir(dir, { recursive: true });
  const weightMap = {};
  const writes = [];
  for (let i = 1; i <= SHARDS; i++) {
    const name = `model-${pad(i)}-of-${pad(SHARDS)}.safetensors`;
    for (let t = 0; t < 10; t++) weightMap[`model.layers.${i}.w${t}`] = name;
    writes.push(writeFile(join(dir, name), Buffer.alloc(4096)));
  }
  writes.push(writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: SHARDS * 4096 }, weight_map: weightMap })));
  await Promise.all(writes);
}
async function dcpSet(dir) {
  await mkdir(dir, { recursive: true });
  const writes = [writeFile(join(dir, '.metadata'), Buffer.alloc(8192))];
  for (let r = 0; r < SHARDS; r++) writes.push(writeFile(join(dir, `__${r}_0.distcp`), Buffer.alloc(4096)));
  await Promise.all(writes);
}

await rm(root, { recursive: true, force: true });
const layouts = [
  { name: 'Hugging Face set in a folder', dir: join(root, 'hf', 'final'), make: hfSet, layout: 'hf-sharded' },
  { name: 'Trainer checkpoint-N of shards', dir: join(root, 'trainer', 'run', 'checkpoint-500'), make: hfSet, layout: 'huggingface' },
  { name: 'torch.distributed.checkpoint', dir: join(root, 'dcp', 'step_500'), make: dcpSet, layout: 'dcp' },
];
for (const l of layouts) await l.make(l.dir);

const fmt = (ms, cpu) => `${ms.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU`;
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const l of layouts) {
  const top = join(root, l.dir.slice(root.length + 1).split('/')[0]);
  const check = (listing) => {
    const c = listing.runs.flatMap((r) => r.checkpoints);
    if (c.length !== 1 || c[0].layout !== l.layout || c[0].shards !== SHARDS) throw new Error(`${l.name}: listed as ${JSON.stringify(c.map((x) => [x.layout, x.shards]))}`);
  };
  const first = await timed(() => listRoot(top));
  check(first.result);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(() => listRoot(top)));
  runs.forEach((r) => check(r.result));
  const proc = [];
  for (let i = 0; i < RUNS; i++) proc.push(runTimed(process.execPath, [cli, 'list', '--json', top]).ms);
  console.log(`${l.name}, ${SHARDS} shards: first ${fmt(first.ms, first.cpu)}; median of ${RUNS} ${fmt(median(runs.map((r) => r.ms)), median(runs.map((r) => r.cpu)))}; \`list --json\` process ${median(proc).toFixed(0)} ms wall (median of ${RUNS})`);
}
const bare = [];
for (let i = 0; i < RUNS; i++) bare.push(runTimed(process.execPath, ['-e', '0']).ms);
console.log(`for scale, \`node -e 0\`: ${median(bare).toFixed(0)} ms wall (median of ${RUNS})`);
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (!keep) await rm(root, { recursive: true, force: true });
