// compare's own cost inside a running process (as in the extension host, whose kernel workers
// are already started): compareCheckpoints on two files, median of RUNS, with the workers warm.
// `node out/bench/compareCost.js A B RUNS` (after `node esbuild.mjs`, for dist/kernelWorker.js)
// prints one JSON line.
import { join } from 'node:path';
import { compareCheckpoints } from '../src/core/compare/compareCheckpoints';
import { openCompareSide } from '../src/core/compare/compareSide';
import { KernelPool } from '../src/core/parallel/kernelPool';

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function once(a: string, b: string, pool: KernelPool): Promise<{ ms: number; bytes: number }> {
  const start = process.hrtime.bigint();
  const sa = await openCompareSide({ kind: 'file', path: a });
  const sb = await openCompareSide({ kind: 'file', path: b });
  try {
    const report = await compareCheckpoints(sa.side, sb.side, { pool });
    return { ms: ms(start), bytes: report.bytes_compared };
  } finally {
    await sa.close();
    await sb.close();
  }
}

async function main(a: string, b: string, runs: number): Promise<void> {
  const pool = new KernelPool({ script: join(__dirname, '..', '..', 'dist', 'kernelWorker.js') });
  try {
    await Promise.all(Array.from({ length: pool.size }, () => pool.run('sha256', { plans: [] })));
    const times: Array<{ ms: number; bytes: number }> = [];
    for (let i = 0; i < runs; i++) times.push(await once(a, b, pool));
    times.sort((x, y) => x.ms - y.ms);
    const median = times[Math.floor(times.length / 2)]!;
    process.stdout.write(`${JSON.stringify({ ms: median.ms, bytes: median.bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  } finally {
    await pool.dispose();
  }
}

void main(process.argv[2] as string, process.argv[3] as string, Number(process.argv[4] ?? 3));
