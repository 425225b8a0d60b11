// What a comparison reports, as `compare --json` prints it. Paths are as `inspect` prints them:
// A's path, and B's as `path_b` where alignment paired it under another path.
import type { DiffStats } from '../stats/diffMoments';
import type { JsonValue } from '../json';

/** One non-tensor value that differs (valueDiff.ts). Kept here, with the report, so the webview can import the report's types without the reader's. */
export interface ValueDiff {
  key: string;
  /** Absent when the key is only on the other side. */
  a?: JsonValue;
  b?: JsonValue;
}

export interface TensorShape {
  dtype: string;
  shape: number[];
}

/** Where a side is a sharded set: the shard file holding A's tensor (`file`) and B's (`file_b`). */
export interface ShardFiles {
  file?: string;
  file_b?: string;
}

export interface MismatchedTensor extends ShardFiles {
  path: string;
  path_b?: string;
  a: TensorShape;
  b: TensorShape;
}

export interface ChangedTensor extends DiffStats, ShardFiles {
  path: string;
  path_b?: string;
  dtype: string;
  shape: number[];
  /** Bytes of each side's elements. */
  nbytes: number;
  /** Why the statistics are missing (their values are NaN then): a dtype without plain values. */
  unsupported?: string;
}

/** How many tensors fell in a category, and their bytes (A's, or B's for only_in_b). */
export interface CategoryCount {
  tensors: number;
  bytes: number;
}

export interface TensorComparison {
  only_in_a: string[];
  only_in_b: string[];
  mismatched: MismatchedTensor[];
  changed: ChangedTensor[];
  identical: string[];
  counts: Record<'identical' | 'changed' | 'only_in_a' | 'only_in_b' | 'mismatched', CategoryCount>;
}

export interface CompareReport extends TensorComparison {
  a: string;
  b: string;
  /** The comparison in one plain sentence (compareSummary.ts). */
  summary: string;
  /** What alignment did, in words; '' when paths were compared as they are. */
  aligned: string;
  /** Step, epoch, metrics, config, architecture and sidecar values that differ. */
  values: ValueDiff[];
  /** Optimizer state, apart from the model: its tensors and its settings. */
  optimizer: TensorComparison & { values: ValueDiff[] };
  /** Bytes of tensor data read from both files together. */
  bytes_compared: number;
  /** True when nothing differs: no tensor, no value, no optimizer state. */
  equal: boolean;
}
