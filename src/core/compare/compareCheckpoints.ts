// Compares two opened checkpoints: pairs their tensors (keyAlignment.ts), sorts the pairs into
// only in A, only in B, mismatched (dtype or shape), identical and changed, measures how each
// changed tensor moved (streamed, on the kernel workers when given), and diffs the non-tensor
// values. The model part and the optimizer state are reported apart.
import type { TensorDiffResult } from '../stats/tensorDiff';
import { diffStats } from '../stats/diffMoments';
import type { TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import type { CategoryCount, ChangedTensor, CompareReport, ShardFiles, TensorComparison } from './compareReport';
import type { CompareSide } from './compareSide';
import { sideFacts } from './compareSide';
import { compareSummary } from './compareSummary';
import type { AlignedEntry, AlignOptions, Section } from './keyAlignment';
import { alignTensors } from './keyAlignment';
import type { DiffTask, RunOptions } from './tensorDiffRunner';
import { runTensorDiffs } from './tensorDiffRunner';
import { diffOptimizerValues, diffValues } from './valueDiff';

/** `pool`: kernel workers to spread the arithmetic over; without one it all runs in this thread. */
export interface CompareOptions extends AlignOptions, RunOptions {}

function sameLayout(a: TensorRef, b: TensorRef): boolean {
  return a.dtype.name === b.dtype.name && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function emptyComparison(): TensorComparison {
  const zero = (): CategoryCount => ({ tensors: 0, bytes: 0 });
  return { only_in_a: [], only_in_b: [], mismatched: [], changed: [], identical: [], counts: { identical: zero(), changed: zero(), only_in_a: zero(), only_in_b: zero(), mismatched: zero() } };
}

function count(c: TensorComparison, category: keyof TensorComparison['counts'], t: TensorRef): void {
  c.counts[category].tensors++;
  c.counts[category].bytes += tensorNbytes(t);
}

/** The shard files a pair's tensors lie in, for the sides that are sharded sets. */
function shardFiles(a: CompareSide, b: CompareSide, entry: AlignedEntry): ShardFiles {
  const fa = a.checkpoint.shards?.fileOf(entry.a!.tensor.payload.storage);
  const fb = b.checkpoint.shards?.fileOf(entry.b!.tensor.payload.storage);
  return { ...(fa !== undefined ? { file: fa } : {}), ...(fb !== undefined ? { file_b: fb } : {}) };
}

function changedEntry(entry: AlignedEntry, result: Exclude<TensorDiffResult, { identical: true }>, files: ShardFiles): ChangedTensor {
  const a = entry.a!;
  const t = a.tensor.payload;
  const stats = 'diff' in result ? diffStats(result.diff) : { mean_abs_diff: NaN, max_abs_diff: NaN, rel_l2: NaN, cosine: NaN, not_close: NaN };
  return {
    path: a.path,
    ...(entry.b!.path !== a.path ? { path_b: entry.b!.path } : {}),
    ...files,
    dtype: t.dtype.name,
    shape: [...t.shape],
    nbytes: tensorNbytes(t),
    ...stats,
    ...('unsupported' in result ? { unsupported: result.unsupported } : {}),
  };
}

function isDifferent(c: TensorComparison): boolean {
  return c.only_in_a.length + c.only_in_b.length + c.mismatched.length + c.changed.length > 0;
}

export async function compareCheckpoints(a: CompareSide, b: CompareSide, options: CompareOptions = {}): Promise<CompareReport> {
  const [fa, fb] = await Promise.all([sideFacts(a), sideFacts(b)]);
  const alignment = alignTensors(fa, fb, options);
  const sections: Record<Section, TensorComparison> = { model: emptyComparison(), optimizer: emptyComparison() };
  // One comparison per distinct pair of tensors: tied weights are compared once.
  const taskOf = new Map<object, Map<object, number>>();
  const tasks: DiffTask[] = [];
  const pending: Array<{ entry: AlignedEntry; task: number }> = [];
  for (const entry of alignment.entries) {
    const c = sections[entry.section];
    const { a: ea, b: eb } = entry;
    if (!eb) {
      c.only_in_a.push(ea!.path);
      count(c, 'only_in_a', ea!.tensor.payload);
    } else if (!ea) {
      c.only_in_b.push(eb.path);
      count(c, 'only_in_b', eb.tensor.payload);
    } else if (!sameLayout(ea.tensor.payload, eb.tensor.payload)) {
      const ta = ea.tensor.payload;
      const tb = eb.tensor.payload;
      c.mismatched.push({ path: ea.path, ...(eb.path !== ea.path ? { path_b: eb.path } : {}), ...shardFiles(a, b, entry), a: { dtype: ta.dtype.name, shape: [...ta.shape] }, b: { dtype: tb.dtype.name, shape: [...tb.shape] } });
      count(c, 'mismatched', ta);
    } else {
      let byB = taskOf.get(ea.tensor);
      if (!byB) taskOf.set(ea.tensor, (byB = new Map()));
      let task = byB.get(eb.tensor);
      if (task === undefined) {
        task = tasks.push({ a: ea.tensor.payload, b: eb.tensor.payload, pathA: ea.path, pathB: eb.path }) - 1;
        byB.set(eb.tensor, task);
      }
      pending.push({ entry, task });
    }
  }
  const results = await runTensorDiffs([a, b], tasks, options);
  for (const { entry, task } of pending) {
    const c = sections[entry.section];
    const r = results[task];
    if (r.identical) {
      c.identical.push(entry.a!.path);
      count(c, 'identical', entry.a!.tensor.payload);
    } else {
      c.changed.push(changedEntry(entry, r, shardFiles(a, b, entry)));
      count(c, 'changed', entry.a!.tensor.payload);
    }
  }
  const values = diffValues(fa, fb);
  const optimizerValues = diffOptimizerValues(fa, fb);
  const model = sections.model;
  const optimizer = { ...sections.optimizer, values: optimizerValues };
  const report: Omit<CompareReport, 'summary'> = {
    a: fa.name,
    b: fb.name,
    ...model,
    aligned: alignment.note,
    values,
    optimizer,
    bytes_compared: tasks.reduce((s, t) => s + 2 * tensorNbytes(t.a), 0),
    equal: !isDifferent(model) && !isDifferent(optimizer) && values.length === 0 && optimizerValues.length === 0,
  };
  return { ...report, summary: compareSummary(report) };
}
