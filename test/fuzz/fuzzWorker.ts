// One fuzz run in a worker thread, so that the parent (runFuzz.ts) can stop a case that hangs
// and see one that exhausts the heap. Posts `case` before each case it runs (the parent's
// watchdog), then `done` with the counts, or `failure` with fast-check's report.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { describeCase, fuzzCase, materialize } from './fuzzCases';
import { loadCorpus } from './fuzzCorpus';
import { readAll } from './readAll';

export interface FuzzJob {
  fixtures: string;
  seed: number;
  cases: number;
  /** Where a failing case's bytes are written. */
  crashDir: string;
  /** A case may raise the process's peak memory by this much over its file's size times MEMORY_FACTOR. */
  memoryBudget: number;
}

export type FuzzMessage =
  | { type: 'case'; index: number; label: string }
  | { type: 'done'; cases: number; outcomes: Record<string, number>; peakGrowth: number; files: number }
  | { type: 'failure'; report: string; crashFile?: string };

/** What a file's size pays for in working memory: its bytes a few times over (copies, views, objects). */
const MEMORY_FACTOR = 16;

async function main(job: FuzzJob): Promise<void> {
  const post = (m: FuzzMessage): void => parentPort!.postMessage(m);
  const corpus = await loadCorpus(job.fixtures);
  const outcomes: Record<string, number> = {};
  let index = 0;
  let peakGrowth = 0;
  let peak = process.resourceUsage().maxRSS * 1024;
  const property = fc.asyncProperty(fuzzCase, async (c) => {
    const made = materialize(c, corpus);
    if (!made) return;
    const label = `${made.name}: ${describeCase(c)}`;
    post({ type: 'case', index: index++, label });
    try {
      const { read, scan } = await readAll(made.bytes);
      outcomes[`read ${read}`] = (outcomes[`read ${read}`] ?? 0) + 1;
      outcomes[`scan ${scan}`] = (outcomes[`scan ${scan}`] ?? 0) + 1;
    } catch (err) {
      const file = join(job.crashDir, `crash-${job.seed}-${index}.bin`);
      writeFileSync(file, made.bytes);
      throw new Error(`${label}\n  threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n  bytes: ${file}`);
    }
    const now = process.resourceUsage().maxRSS * 1024;
    const growth = now - peak;
    peakGrowth = Math.max(peakGrowth, growth);
    peak = now;
    if (growth > job.memoryBudget + MEMORY_FACTOR * made.bytes.length) {
      throw new Error(`${label}\n  raised the peak memory by ${(growth / 2 ** 20).toFixed(0)} MiB for a file of ${made.bytes.length} bytes`);
    }
  });
  try {
    await fc.assert(property, { seed: job.seed, numRuns: job.cases, endOnFailure: true });
    post({ type: 'done', cases: index, outcomes, peakGrowth, files: corpus.length });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `\n${err.cause.message}` : '';
    post({ type: 'failure', report: `${err instanceof Error ? err.message : String(err)}${cause}` });
  }
}

void main(workerData as FuzzJob);
