// Inspect against torch.load at many tensors: a training checkpoint of 60,000 small tensors
// (bench/make_many_tensors.py: a 1,250-block model's state dict and its AdamW state, about
// 20 MiB), written once into a cache folder. Times `node dist/cli.js inspect --json` (the whole
// process, production bundle) and torch.load of the same file in turns, A B A B, and prints the
// medians, their ratio and each side's peak RSS; then one more CLI run, with --trace-gc, gives the
// share of its time spent collecting garbage. Needs Debian's python3-torch and `node esbuild.mjs --production`.
//
// torch.load is timed inside Python with the import excluded (bench/torch_load.py), with
// weights_only=True when torch accepts the file that way (torch 1.13 refuses the optimizer's
// float settings, so this file loads unrestricted there). The CLI runs without
// NODE_EXTRA_CA_CERTS, as in bench/inspect.mjs: where it is set, every Node process parses that CA
// bundle at start-up, about 100 ms more for any command.
import { statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, needBuilt, needTorch, numberArg, median, python, runTimed as run } from './benchKit.mjs';
import { manyTensorsFile, torchLoadArgs } from './manyTensorsFile.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const layers = numberArg('layers', 1250);
const rounds = numberArg('rounds', 5);


needTorch('manyTensors');
const cli = join(root, 'dist', 'cli.js');
needBuilt('manyTensors', 'dist/cli.js');

const file = manyTensorsFile(layers);
const { weightsOnly, args: torchArgs } = torchLoadArgs(file);
const cliArgs = ['--require', join(root, 'bench', 'rssHook.cjs'), cli, 'inspect', '--json', file];

const ours = [];
const theirs = [];
let ourRss = 0;
let theirRss = 0;
let tensors;
for (let i = 0; i < rounds; i++) {
  const a = run(process.execPath, cliArgs);
  ours.push(a.ms);
  ourRss = Math.max(ourRss, lastJson(a.stderr).benchMaxRssKiB / 1024);
  tensors ??= JSON.parse(a.stdout).tensors.length;
  const b = lastJson(run(python, torchArgs).stdout);
  theirs.push(b.ms);
  theirRss = Math.max(theirRss, b.maxRssMiB);
}

/**
 * The share of a run's wall time that its main thread spent in garbage collection: the pauses
 * (and incremental marking steps) --trace-gc reports, over the run's wall time. Both stretch alike
 * on a busy machine, so the share holds better than either.
 */
function gcShare() {
  const r = run(process.execPath, ['--trace-gc', cli, 'inspect', '--json', file]);
  let ms = 0;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('{')) continue;
    const pause = / MB, ([\d.]+) \/ [\d.]+ ms/.exec(line);
    const steps = /\(\+ ([\d.]+) ms in \d+ steps/.exec(line);
    ms += Number(pause?.[1] ?? 0) + Number(steps?.[1] ?? 0);
  }
  return ms / r.ms;
}

// Hashing every tensor: 60,000 small records, each with its local header, read through the
// file source's block cache (before it, 120,000 reads of a few hundred bytes took 9.5 s).
const hashMs = median([0, 1, 2].map(() => run(process.execPath, [cli, 'inspect', '--json', '--sha256', file]).ms));

const row = {
  tensors,
  hashMs,
  fileMiB: statSync(file).size / 2 ** 20,
  cliMs: median(ours),
  cliRssMiB: ourRss,
  torchLoadMs: median(theirs),
  torchRssMiB: theirRss,
  torchWeightsOnly: weightsOnly,
  gcShare: gcShare(),
  load: loadavg()[0],
  cores: cpus().length,
};
row.speedup = row.torchLoadMs / row.cliMs;
console.error(JSON.stringify(row));
console.log(`| tensors | file | CLI inspect --json (wall, median of ${rounds}) | CLI peak RSS | CLI time in GC | torch.load${weightsOnly ? ' (weights_only)' : ''} (median of ${rounds}) | torch peak RSS | torch.load time ÷ CLI time |`);
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${tensors.toLocaleString('en-US')} | ${row.fileMiB.toFixed(1)} MiB | ${row.cliMs.toFixed(0)} ms | ${row.cliRssMiB.toFixed(0)} MiB | ${(row.gcShare * 100).toFixed(0)}% | ${row.torchLoadMs.toFixed(0)} ms | ${row.torchRssMiB.toFixed(0)} MiB | ${row.speedup.toFixed(1)}× |`,
);
console.log(`\nCLI inspect --json --sha256 of the same file (median of 3): ${row.hashMs.toFixed(0)} ms`);
console.log(`(load average ${row.load.toFixed(2)} on ${row.cores} cores)`);
