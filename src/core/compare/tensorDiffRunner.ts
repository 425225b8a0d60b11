// Runs the tensor comparisons of a report: on the kernel workers when there is enough to share
// between cores (big tensors cut into pieces, small ones batched), else in this thread. Either way
// both tensors stream chunk by chunk (stats/tensorDiff.ts), so memory stays a few chunks per core.
import type { KernelPool } from '../parallel/kernelPool';
import type { ComparePair } from '../parallel/kernelProtocol';
import { equalPlanPairs } from '../parallel/equalPlans';
import type { TensorPlan } from '../parallel/tensorPlan';
import { splitPlan } from '../parallel/tensorPlan';
import { emptyDiff, mergeDiff } from '../stats/diffMoments';
import type { TensorDiffResult } from '../stats/tensorDiff';
import { diffTensorStreams } from '../stats/tensorDiff';
import { tensorChunks } from '../torch/tensorBytes';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import type { CompareSide } from './compareSide';

export interface DiffTask {
  a: TensorRef;
  b: TensorRef;
  pathA: string;
  pathB: string;
}

export interface RunOptions {
  pool?: KernelPool;
  signal?: AbortSignal;
  /** Bytes read of both sides together, and the total to read. */
  onProgress?: (done: number, total: number) => void;
  /** Below this much tensor data in all, the work stays in this thread (default 64 MiB). */
  poolMinBytes?: number;
  /** Tensors of at least twice this size are cut into pieces of about this size (default 32 MiB). */
  pieceBytes?: number;
}

/** Below this much tensor data in all, workers cost more to start than they save. */
const POOL_MIN_BYTES = 64 * 1024 * 1024;
/** Small tensors travel to a worker together, up to this many bytes (per side) or pairs per call. */
const BATCH_BYTES = 32 * 1024 * 1024;
const BATCH_PAIRS = 512;
/** A tensor at least twice this big is cut into pieces of about this size, one per core. */
const PIECE_BYTES = 32 * 1024 * 1024;

async function planOf(side: CompareSide, t: TensorRef, path: string, starts: Map<StorageRef, Promise<number | undefined>>): Promise<TensorPlan | undefined> {
  let start = starts.get(t.storage);
  if (!start) {
    start = side.checkpoint.storageStart(t.storage);
    starts.set(t.storage, start);
  }
  const at = await start;
  if (at === undefined) return undefined;
  // A sharded side's storages lie in its shard files, not in the index the side was opened by.
  const source = side.checkpoint.shards?.sourceOf(t.storage) ?? side.spec;
  return { source, path, storageStart: at, littleEndian: side.checkpoint.littleEndian, tensor: t };
}

/** The pieces' results as one: identical if all are; pieces that were identical among differing ones are summed again. */
async function mergePieces(results: TensorDiffResult[], redo: (i: number) => Promise<TensorDiffResult>): Promise<TensorDiffResult> {
  if (results.every((r) => r.identical)) return { identical: true };
  const unsupported = results.find((r) => !r.identical && 'unsupported' in r);
  if (unsupported) return unsupported;
  const total = emptyDiff();
  for (let i = 0; i < results.length; i++) {
    const r = results[i].identical ? await redo(i) : results[i];
    if (!r.identical && 'diff' in r) mergeDiff(total, r.diff);
  }
  return { identical: false, diff: total };
}

function inPlace(sides: readonly [CompareSide, CompareSide], task: DiffTask, progress: (bytes: number) => void, signal?: AbortSignal): Promise<TensorDiffResult> {
  const [a, b] = sides;
  return diffTensorStreams(
    task.a.dtype.name,
    () => tensorChunks(a.checkpoint, task.a, signal, 'when-free'),
    () => tensorChunks(b.checkpoint, task.b, signal, 'when-free'),
    { progress, signal },
  );
}

export async function runTensorDiffs(sides: readonly [CompareSide, CompareSide], tasks: readonly DiffTask[], options: RunOptions = {}): Promise<TensorDiffResult[]> {
  const { pool, signal } = options;
  const total = tasks.reduce((s, t) => s + 2 * tensorNbytes(t.a), 0);
  const done = new Map<object, number>();
  let doneSum = 0;
  const report = (key: object, bytes: number): void => {
    doneSum += bytes - (done.get(key) ?? 0);
    done.set(key, bytes);
    options.onProgress?.(doneSum, total);
  };
  const out: TensorDiffResult[] = new Array(tasks.length);
  const startsA = new Map<StorageRef, Promise<number | undefined>>();
  const startsB = new Map<StorageRef, Promise<number | undefined>>();
  const pieceBytes = options.pieceBytes ?? PIECE_BYTES;
  const plans = pool && total >= (options.poolMinBytes ?? POOL_MIN_BYTES)
    ? await Promise.all(tasks.map(async (t) => [await planOf(sides[0], t.a, t.pathA, startsA), await planOf(sides[1], t.b, t.pathB, startsB)] as const))
    : undefined;
  const equal = plans ? await equalPlanPairs(plans.map(([pa, pb]) => (pa && pb ? [pa, pb] as const : undefined)), (i, n) => report(tasks[i], n), signal) : [];
  const local: number[] = [];
  const calls: Array<Promise<void>> = [];
  let batch: number[] = [];
  let batchBytes = 0;
  const sendBatch = (): void => {
    if (batch.length === 0) return;
    const members = batch;
    const key = {};
    const pairs: ComparePair[] = members.map((i) => ({ a: plans![i][0]!, b: plans![i][1]! }));
    calls.push(pool!.run('compare', { pairs }, { signal, onProgress: (bytes) => report(key, bytes) }).then((rs) => members.forEach((m, j) => (out[m] = rs[j]))));
    batch = [];
    batchBytes = 0;
  };
  tasks.forEach((task, i) => {
    if (equal[i]) {
      out[i] = { identical: true };
      return;
    }
    const plan = plans?.[i];
    if (!plan || !plan[0] || !plan[1]) {
      local.push(i);
      return;
    }
    const bytes = tensorNbytes(task.a);
    const parts = Math.max(pool!.size, Math.floor(bytes / pieceBytes));
    const pa = splitPlan(plan[0], parts, pieceBytes);
    const pb = splitPlan(plan[1], parts, pieceBytes);
    if (pa.length > 1 && pa.length === pb.length) {
      const run = (j: number, values: boolean): Promise<TensorDiffResult> => {
        const key = {};
        return pool!.run('compare', { pairs: [{ a: pa[j], b: pb[j], values }] }, { signal, onProgress: (n) => report(key, values ? 0 : n) }).then((r) => r[0]);
      };
      calls.push(Promise.all(pa.map((_, j) => run(j, false))).then(async (rs) => {
        out[i] = await mergePieces(rs, (j) => run(j, true));
      }));
      return;
    }
    batch.push(i);
    batchBytes += bytes;
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_PAIRS) sendBatch();
  });
  sendBatch();
  const settled = Promise.all(calls);
  // A failed worker call must not leave the others' rejections unobserved.
  settled.catch(() => undefined);
  for (const i of local) {
    const key = {};
    out[i] = await inPlace(sides, tasks[i], (n) => report(key, (done.get(key) ?? 0) + n), signal);
  }
  await settled;
  return out;
}
