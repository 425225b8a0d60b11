// Listing at scale: a generated nanochat home of 50 tags × 1,000 steps (model, meta sidecar and
// one optimizer shard per step: 150,000 files), listed in full (what the first listing and
// Refresh pay), and relisted after one change (a training step saved into one tag: what the file
// watcher pays), next to `find <root> -type f | wc -l` and `du -s <root>` on the same tree.
// Usage: node bench/listingScale.mjs [--tags 50] [--steps 1000] [--runs 5] [--keep]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadCore, numberArg, timed as time } from './benchKit.mjs';

const TAGS = numberArg('tags', 50);
const STEPS = numberArg('steps', 1000);
const RUNS = numberArg('runs', 5);
const keep = process.argv.includes('--keep');

const here = new URL('.', import.meta.url).pathname;
const home = join(here, '.tmp', `nanochat-home-${TAGS}x${STEPS}`);

const { listRoot, LiveListing, createSidecarCache, buildTree } = await loadCore('listingScale', {
  'listing/listRoot': ['listRoot'],
  'listing/liveListing': ['LiveListing'],
  'listing/sidecars': ['createSidecarCache'],
  'listing/listingTree': ['buildTree'],
});

const kinds = ['base_checkpoints', 'mid_checkpoints', 'chatsft_checkpoints', 'chatrl_checkpoints'];
const tagDir = (t) => join(home, kinds[t % kinds.length], `d${t + 1}`);
const stepFiles = (dir, step, t) => {
  const s = String(step).padStart(6, '0');
  const meta = { step, val_bpb: 1000 / (step + 10) + t / 1000, model_config: { n_layer: t + 1, n_head: 4, n_embd: 256, vocab_size: 65536 }, device_batch_size: 32 };
  return [
    [join(dir, `model_${s}.pt`), Buffer.alloc(64)],
    [join(dir, `meta_${s}.json`), JSON.stringify(meta)],
    [join(dir, `optim_${s}_rank0.pt`), Buffer.alloc(128)],
  ];
};
if (!keep || !existsSync(home)) {
  await rm(home, { recursive: true, force: true });
  for (let t = 0; t < TAGS; t++) {
    await mkdir(tagDir(t), { recursive: true });
    const files = [];
    for (let s = 1; s <= STEPS; s++) files.push(...stepFiles(tagDir(t), s * 10, t));
    await Promise.all(files.map(([path, data]) => writeFile(path, data)));
  }
}
const fileCount = TAGS * STEPS * 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianOf = async (n, fn) => {
  const ts = [];
  for (let i = 0; i < n; i++) ts.push(await time(fn));
  return { ms: median(ts.map((t) => t.ms)), cpu: median(ts.map((t) => t.cpu)), result: ts[ts.length - 1].result };
};
const shell = (script) => () => execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim();

const find = await medianOf(RUNS, shell(`find '${home}' -type f | wc -l`));
if (Number(find.result) !== fileCount) throw new Error(`find counted ${find.result} files, expected ${fileCount}`);
const du = await medianOf(RUNS, shell(`du -s '${home}'`));

const cache = createSidecarCache();
const cold = await time(() => listRoot(home, { cache }));
const checkpoints = cold.result.runs.reduce((n, r) => n + r.checkpoints.length, 0);
if (cold.result.runs.length !== TAGS || checkpoints !== TAGS * STEPS) {
  throw new Error(`listing is wrong: ${cold.result.runs.length} runs, ${checkpoints} checkpoints`);
}
const full = await medianOf(RUNS, () => listRoot(home, { cache }));

// One saved step at a time, each into another tag, as the watcher reports it: three paths.
// The tree's nodes are rebuilt after each, keeping those of the runs that did not change.
const live = await LiveListing.create(home, { cache });
const runNodes = new WeakMap();
const tree = () => buildTree([{ listing: live.listing, label: 'nanochat home' }], runNodes);
const firstTree = await time(tree);
const relists = [];
const rebuilds = [];
const added = [];
for (let i = 0; i < RUNS; i++) {
  const t = i % TAGS;
  const files = stepFiles(tagDir(t), (STEPS + 1 + i) * 10, t);
  for (const [path, data] of files) await writeFile(path, data);
  added.push(...files.map(([path]) => path));
  relists.push(await time(() => live.apply(files.map(([path]) => path))));
  const plan = relists[relists.length - 1].result;
  if (plan.full || plan.runs.length !== 1) throw new Error(`one saved step should relist one run: ${JSON.stringify(plan)}`);
  rebuilds.push(await time(tree));
}
// The relisted listing must equal a fresh one, or the speed means nothing.
if (!isDeepStrictEqual(live.listing, await listRoot(home, { cache }))) throw new Error('the relisted listing differs from a full listing');
const medianOfTimes = (ts) => ({ ms: median(ts.map((t) => t.ms)), cpu: median(ts.map((t) => t.cpu)) });
const relist = medianOfTimes(relists);
const rebuild = medianOfTimes(rebuilds);

const fmt = (t) => `${t.ms.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU`;
const ratio = (a, b) => `${(a.ms / b.ms).toFixed(1)}×`;
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`nanochat home: ${TAGS} tags × ${STEPS} steps = ${checkpoints} checkpoints, ${fileCount} files`);
console.log(`find -type f | wc -l (median of ${RUNS}):           ${find.ms.toFixed(1)} ms wall`);
console.log(`du -s (median of ${RUNS}):                          ${du.ms.toFixed(1)} ms wall`);
console.log(`first listing (sidecars read and parsed):       ${fmt(cold)}`);
console.log(`full listing, Refresh (median of ${RUNS}):          ${fmt(full)} = ${ratio(full, find)} find, ${ratio(full, du)} du`);
console.log(`relist after one saved step (median of ${RUNS}):    ${fmt(relist)} = ${((relist.ms / full.ms) * 100).toFixed(1)}% of a full listing`);
console.log(`tree nodes, first build:                        ${fmt(firstTree)}`);
console.log(`tree nodes after one saved step (median of ${RUNS}): ${fmt(rebuild)}`);
// --keep leaves the tree as it was built, for the next run.
if (keep) await Promise.all(added.map((path) => rm(path)));
else await rm(home, { recursive: true, force: true });
