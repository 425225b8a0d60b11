// How close any reader in a Node process could come to issue 8's target at many tensors: 8x
// torch.load on the 60,000-tensor checkpoint of bench/manyTensors.mjs. Times, in turns, A B C D:
//   A. the CLI's `inspect --json` (production bundle);
//   B, C. bench/manyTensorsProbe.mjs: tensors read into typed-array columns, with no checks, no
//      security and no summary beyond the rows, in its two designs (`objects`: the other values
//      as JS values; `handles`: no JS value per pickle value);
//   D. the probe's fixed part: start Node, read the zip directory, write as many bytes as the
//      report has;
//   E. torch.load (bench/torch_load.py, the import excluded).
// All are whole processes timed from outside, but E, which is timed inside Python as in
// bench/manyTensors.mjs. Before timing, it checks that each design gives every tensor the path,
// dtype, shape, bytes and role the CLI gives it, so the probe does the reading it claims to.
// Prints the medians and the 8x budget (torch.load's median / 8).
// Options: --rounds N (9), --node PATH (a second Node to time A, B and C under, e.g. Node 24).
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, median, needBuilt, needTorch, numberArg, python, runTimed as run } from './benchKit.mjs';
import { manyTensorsFile, torchLoadArgs } from './manyTensorsFile.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = numberArg('rounds', 9);
const nodeAt = process.argv.indexOf('--node');
const nodes = [process.execPath, ...(nodeAt > 0 ? [process.argv[nodeAt + 1]] : [])];
const cli = join(root, 'dist', 'cli.js');
const probe = join(root, 'bench', 'manyTensorsProbe.mjs');

needTorch('manyTensorsFloor');
needBuilt('manyTensorsFloor', 'dist/cli.js');
const file = manyTensorsFile(1250);
const torch = torchLoadArgs(file);

const rowKey = (t) => JSON.stringify([t.path, t.dtype, t.shape, t.nbytes, t.role]);
const report = run(process.execPath, [cli, 'inspect', '--json', file]).stdout;
const ours = JSON.parse(report).tensors;
for (const design of ['objects', 'handles']) {
  const probed = JSON.parse(run(process.execPath, [probe, file, design]).stdout).tensors;
  const differ = ours.filter((t, i) => rowKey(t) !== rowKey(probed[i] ?? {})).length;
  if (probed.length !== ours.length || differ > 0) {
    console.error(`bench/manyTensorsFloor: the probe's ${design} design disagrees with the CLI (${probed.length} tensors against ${ours.length}, ${differ} rows differ).`);
    process.exit(1);
  }
}

const contenders = nodes.flatMap((node) => [
  { name: `CLI inspect --json (${node === process.execPath ? process.version : node})`, node, args: [cli, 'inspect', '--json', file] },
  { name: 'probe, objects: JS values, tensors in columns, no checks', node, args: [probe, file, 'objects'] },
  { name: 'probe, handles: no JS value per pickle value, no checks', node, args: [probe, file, 'handles'] },
  { name: 'probe: fixed part only (start, zip directory, write)', node, args: [probe, file, 'fixed', String(Buffer.byteLength(report))] },
]);
const times = contenders.map(() => []);
const torchMs = [];
for (let r = 0; r < rounds; r++) {
  contenders.forEach((c, i) => times[i].push(run(c.node, c.args).ms));
  torchMs.push(lastJson(run(python, torch.args).stdout).ms);
}

const budget = median(torchMs) / 8;
console.log(`| ${ours.length.toLocaleString('en-US')} tensors (median of ${rounds}, in turns) | wall | torch.load ÷ this | share of the 8× budget (${budget.toFixed(0)} ms) |`);
console.log('|---|---|---|---|');
contenders.forEach((c, i) => {
  const ms = median(times[i]);
  console.log(`| ${c.name} | ${ms.toFixed(0)} ms | ${(median(torchMs) / ms).toFixed(1)}× | ${((ms / budget) * 100).toFixed(0)}% |`);
});
console.log(`| torch.load${torch.weightsOnly ? ' (weights_only)' : ''} | ${median(torchMs).toFixed(0)} ms | 1.0× | |`);
console.log(`\n(load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores)`);
