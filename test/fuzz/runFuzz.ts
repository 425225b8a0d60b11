// Runs the fuzz suite in a worker thread with a watchdog: a case that sends no sign of life for
// HANG_MS is a hang, a worker that dies (heap limit) is a crash; both name the last case started.
// The watchdog is a hang detector, not a speed test: a case normally takes milliseconds.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzJob, FuzzMessage } from './fuzzWorker';

const HANG_MS = 60_000;
/** The worker's JS heap: far above what any fixture's case needs, far below the machine's memory. */
const HEAP_MIB = 1024;

export interface FuzzResult {
  cases: number;
  files: number;
  outcomes: Record<string, number>;
  /** The largest rise of the worker's peak memory in one case, in bytes. */
  peakGrowth: number;
  /** Empty when every case ended with a result or a typed error. */
  failures: string[];
}

export function runFuzz(options: { seed: number; cases: number; fixtures: string; crashDir: string; memoryBudget?: number }): Promise<FuzzResult> {
  mkdirSync(options.crashDir, { recursive: true });
  const job: FuzzJob = { fixtures: options.fixtures, seed: options.seed, cases: options.cases, crashDir: options.crashDir, memoryBudget: options.memoryBudget ?? 256 * 2 ** 20 };
  const worker = new Worker(join(__dirname, 'fuzzWorker.js'), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: HEAP_MIB } });
  return new Promise((resolve) => {
    let last = 'no case started';
    let started = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: FuzzResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const failed = (why: string): void => finish({ cases: started, files: 0, outcomes: {}, peakGrowth: 0, failures: [why] });
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => failed(`hang: no progress for ${HANG_MS / 1000} s in case ${started}: ${last}`), HANG_MS);
    };
    arm();
    worker.on('message', (m: FuzzMessage) => {
      if (m.type === 'case') {
        started = m.index + 1;
        last = m.label;
        arm();
      } else if (m.type === 'done') finish({ cases: m.cases, files: m.files, outcomes: m.outcomes, peakGrowth: m.peakGrowth, failures: [] });
      else failed(m.report);
    });
    worker.on('error', (err) => failed(`the worker died in case ${started} (${err.message}): ${last}`));
    worker.on('exit', (code) => failed(`the worker exited (${code}) in case ${started}: ${last}`));
  });
}
