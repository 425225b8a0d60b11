// Inspect cost against checkpoint size: writes torch checkpoints of growing size (needs Debian's
// python3-torch), times `node dist/cli.js inspect --json` (wall time and peak RSS of the whole
// process, production bundle), the reader inside a running process, streams all tensor bytes
// through the core, and times torch.load on the same file. Files live in bench/.tmp and are
// deleted after each size. Prints a Markdown table.
//
// The CLI runs without NODE_EXTRA_CA_CERTS: where it is set (as on this project's machines) every
// Node process parses that CA bundle at start-up, which adds about 100 ms to any command.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, median, needTorch, python, runTimed as run } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const sizes = (process.env.BENCH_SIZES_MIB ?? '64,512,1024,4096').split(',').map(Number);
const runs = 5;




needTorch('inspect');
mkdirSync(tmp, { recursive: true });
const rows = [];
for (const mib of sizes) {
  const file = join(tmp, `bench_${mib}.pt`);
  try {
    run(python, [join(root, 'bench', 'make_checkpoint.py'), String(mib), file]);
    const size = statSync(file).size;
    const cli = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      const r = run(process.execPath, ['--require', join(root, 'bench', 'rssHook.cjs'), join(root, 'dist', 'cli.js'), 'inspect', file, '--json']);
      cli.push(r.ms);
      rss = Math.max(rss, lastJson(r.stderr).benchMaxRssKiB / 1024);
    }
    const reader = lastJson(run(process.execPath, [join(root, 'out', 'bench', 'readerCost.js'), file]).stdout);
    const torch = [];
    let torchRss = 0;
    for (let i = 0; i < 3; i++) {
      const t = lastJson(run(python, [join(root, 'bench', 'torch_load.py'), file]).stdout);
      torch.push(t.ms);
      torchRss = Math.max(torchRss, t.maxRssMiB);
    }
    const row = {
      sizeGiB: size / 2 ** 30,
      cliMs: median(cli),
      cliRssMiB: rss,
      readerMs: reader.inspectMs,
      streamGBps: reader.gbPerSecond,
      torchLoadMs: median(torch),
      torchRssMiB: torchRss,
    };
    row.speedup = row.torchLoadMs / row.cliMs;
    rows.push(row);
    console.error(JSON.stringify(row));
  } finally {
    rmSync(file, { force: true });
  }
}
console.log('| checkpoint | CLI inspect (wall, median of 5) | CLI peak RSS | inspect in a running process | tensor bytes streamed | torch.load (median of 3) | torch peak RSS | torch.load time ÷ CLI time |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.sizeGiB.toFixed(2)} GiB | ${r.cliMs.toFixed(0)} ms | ${r.cliRssMiB.toFixed(0)} MiB | ${r.readerMs.toFixed(1)} ms | ${r.streamGBps.toFixed(2)} GB/s | ${r.torchLoadMs.toFixed(0)} ms | ${r.torchRssMiB.toFixed(0)} MiB | ${r.speedup.toFixed(1)}× |`);
}
