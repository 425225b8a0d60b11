// How many elements and bytes a set of tensors holds when views share storage: each byte of a
// storage counts once, however many tensors read it (tied weights saved as two tensors, slices,
// transposes, q/k/v views of one fused matrix). The totals never exceed what the storages hold.
import type { TensorRef } from './tensorRef';
import { isContiguous, numel, storageSpan } from './tensorRef';

export interface Coverage {
  elements: number;
  bytes: number;
}

/**
 * Byte runs counted exactly, over all tensors of one call; past it a strided tensor counts as its
 * span (first to last byte it touches), which may overcount but stays within its storage. Real
 * checkpoints need one run per tensor; only odd views (a column of a matrix) need more.
 */
const RUN_BUDGET = 1 << 22;

type Run = [start: number, end: number];

interface Dim {
  size: number;
  stride: number;
}

/**
 * The tensor's dimensions that move through memory, outermost first, with dimensions that are
 * contiguous inside each other merged: a transposed full matrix becomes one contiguous run.
 */
function memoryDims(t: TensorRef): Dim[] {
  // (torch writes no negative strides; a hostile file's are taken as positive, and the runs are
  // clipped to the storage anyway)
  const dims = t.shape.map((size, i) => ({ size, stride: Math.abs(t.stride[i] ?? 0) })).filter((d) => d.size > 1 && d.stride !== 0);
  dims.sort((a, b) => b.stride - a.stride);
  const merged: Dim[] = [];
  for (let i = dims.length - 1; i >= 0; i--) {
    const inner = merged[0];
    if (inner && dims[i].stride === inner.size * inner.stride) inner.size *= dims[i].size;
    else merged.unshift({ ...dims[i] });
  }
  return merged;
}

/** The tensor's byte runs in its record, or its span when they would cost more than `budget`. */
function byteRuns(t: TensorRef, budget: number): Run[] {
  if (numel(t.shape) === 0) return [];
  const item = t.dtype.itemsize;
  const base = (t.storage.byteOffset ?? 0) + t.storageOffset * item;
  const dims = memoryDims(t);
  const inner = dims.length > 0 && dims[dims.length - 1].stride === 1 ? dims.pop() : undefined;
  const runLength = (inner?.size ?? 1) * item;
  const count = dims.reduce((n, d) => n * d.size, 1);
  if (count > budget) {
    const span = storageSpan(t);
    return [[(t.storage.byteOffset ?? 0) + span.start * item, (t.storage.byteOffset ?? 0) + span.end * item]];
  }
  const runs: Run[] = [];
  const index = new Array<number>(dims.length).fill(0);
  for (let r = 0; r < count; r++) {
    let at = base;
    for (let d = 0; d < dims.length; d++) at += index[d] * dims[d].stride * item;
    runs.push([at, at + runLength]);
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++index[d] < dims[d].size) break;
      index[d] = 0;
    }
  }
  return runs;
}

/** Total length of the union of the runs (sorts them in place). */
function unionLength(runs: Run[]): number {
  runs.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [start, stop] of runs) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

/** The runs of one storage, and the element size of the tensor that made each. */
interface StorageRuns {
  /** While the storage has exactly one run (the common case): that run and its element size. */
  start: number;
  end: number;
  item: number;
  /** From its second run on: every run. */
  runs: Array<[start: number, end: number, item: number]> | undefined;
}

function addRun(byStorage: Map<string, StorageRuns>, key: string, start: number, end: number, item: number): void {
  const known = byStorage.get(key);
  if (!known) {
    byStorage.set(key, { start, end, item, runs: undefined });
  } else {
    known.runs ??= [[known.start, known.end, known.item]];
    known.runs.push([start, end, item]);
  }
}

/** Elements and bytes of the tensors, shared storage counted once. */
export function storageCoverage(tensors: Iterable<TensorRef>): Coverage {
  return coverageOf(tensors, undefined);
}

/**
 * Coverage of any subsets of one set of tensors (a report counts by role, by key and by layer).
 * Made once, it knows which storages more than one of the tensors view; a storage viewed by only
 * one row-major tensor, as nearly all are, then counts as that tensor's own bytes, with no
 * bookkeeping per storage. The results are those of storageCoverage.
 */
export class CoverageIndex {
  /** Storage key → how many of the tensors view it. */
  private readonly viewers = new Map<string, number>();
  /** How many of the tensors are empty. */
  private readonly empty: number = 0;
  /** The tensors, in the order given, and each one's bytes when it alone views its storage row-major (else -1). */
  private readonly tensors: readonly TensorRef[];
  private readonly ownBytes: Float64Array;

  constructor(tensors: Iterable<TensorRef>) {
    this.tensors = Array.isArray(tensors) ? (tensors as TensorRef[]) : [...tensors];
    for (const t of this.tensors) {
      this.viewers.set(t.storage.key, (this.viewers.get(t.storage.key) ?? 0) + 1);
      if (numel(t.shape) === 0) this.empty++;
    }
    this.ownBytes = new Float64Array(this.tensors.length);
    for (let i = 0; i < this.tensors.length; i++) this.ownBytes[i] = this.viewers.get(this.tensors[i].storage.key) === 1 ? soleBytes(this.tensors[i]) : -1;
  }

  /**
   * Whether no two of the tensors can be tied (see findTies): none is empty (empty tensors are
   * tied by identity) and each storage is viewed by one of them alone.
   */
  holdsNoTies(): boolean {
    return this.empty === 0 && this.viewers.size === this.tensors.length;
  }

  /** Whether exactly one of the tensors views this storage (then none of them can be tied to another). */
  viewedOnce(storageKey: string): boolean {
    return this.viewers.get(storageKey) === 1;
  }

  /**
   * Elements and bytes of `tensors`, shared storage counted once. They must be among the tensors
   * the index was made from (a storage it has not seen is counted the general way).
   */
  coverage(tensors: Iterable<TensorRef>): Coverage {
    return coverageOf(tensors, this);
  }

  /** A tally to add some of the tensors to one by one (several tallies can share a pass). */
  tally(): CoverageTally {
    return new CoverageTally(this);
  }

  /**
   * The bytes tensor `i` (of those the index was made from) adds on its own, when it is `t`, views
   * its storage alone and row-major; otherwise -1 (count it the general way).
   */
  ownBytesAt(i: number, t: TensorRef): number {
    return this.tensors[i] === t ? this.ownBytes[i] : -1;
  }
}

/**
 * The bytes a non-empty row-major tensor that alone views its storage adds to a tally (its run,
 * clipped to the storage; 0 when that is empty), or -1 for any other tensor. As CoverageTally.add.
 */
function soleBytes(t: TensorRef): number {
  const n = numel(t.shape);
  if (n === 0 || !isContiguous(t)) return -1;
  const [start, end] = rowMajorRun(t, n);
  return end <= start ? 0 : end - start;
}

/** The bytes [start, end) that a row-major tensor of `n` elements reads, clipped to its storage (none when end <= start). */
function rowMajorRun(t: TensorRef, n: number): Run {
  const low = t.storage.byteOffset ?? 0;
  const base = low + t.storageOffset * t.dtype.itemsize;
  return [Math.max(base, low), Math.min(base + n * t.dtype.itemsize, low + t.storage.nbytes)];
}

/**
 * storageCoverage; with `index` (made from a superset of the tensors), a storage that one tensor
 * alone views needs no bookkeeping.
 */
function coverageOf(tensors: Iterable<TensorRef>, index: CoverageIndex | undefined): Coverage {
  const tally = new CoverageTally(index);
  for (const t of tensors) tally.add(t);
  return tally.total();
}

/**
 * Coverage counted tensor by tensor, so that several counts can share one pass over the tensors
 * (each keeps its own budget and bookkeeping, so each gives what storageCoverage would).
 */
export class CoverageTally {
  /** Runs per storage (for bytes) and per storage and element size (for elements: a storage
   * viewed as two dtypes, possible since torch 2.x's untyped storages, counts each dtype's
   * elements). A storage read by one tensor laid out row-major keeps its one run without arrays. */
  private readonly byStorage = new Map<string, StorageRuns>();
  private budget = RUN_BUDGET;
  private bytes = 0;
  private elements = 0;
  /** How many tensors were added. */
  tensors = 0;

  /** `index`: the tensors' CoverageIndex, which knows the storages one tensor alone views. */
  constructor(private readonly index: CoverageIndex | undefined) {}

  /**
   * Adds tensor `t`, which is the `i`th of the tensors the tally's index was made from: a tensor
   * that alone views its storage row-major is added from what the index worked out for it.
   */
  addAt(i: number, t: TensorRef): void {
    const own = this.index?.ownBytesAt(i, t) ?? -1;
    if (own < 0) return this.add(t);
    this.tensors++;
    if (own === 0) return;
    this.budget--;
    this.bytes += own;
    this.elements += Math.floor(own / t.dtype.itemsize);
  }

  add(t: TensorRef): void {
    this.tensors++;
    const n = numel(t.shape);
    if (n === 0) return;
    const item = t.dtype.itemsize;
    if (isContiguous(t)) {
      const [start, end] = rowMajorRun(t, n);
      if (end <= start) return;
      this.budget--;
      if (this.index?.viewedOnce(t.storage.key)) {
        this.bytes += end - start;
        this.elements += Math.floor((end - start) / item);
      } else {
        addRun(this.byStorage, t.storage.key, start, end, item);
      }
      return;
    }
    const low = t.storage.byteOffset ?? 0;
    const high = low + t.storage.nbytes;
    for (const [a, b] of byteRuns(t, Math.max(1, this.budget))) {
      const start = Math.max(a, low);
      const end = Math.min(b, high);
      if (end <= start) continue;
      this.budget--;
      addRun(this.byStorage, t.storage.key, start, end, item);
    }
  }

  total(): Coverage {
    let bytes = this.bytes;
    let elements = this.elements;
    for (const s of this.byStorage.values()) {
      if (!s.runs) {
        bytes += s.end - s.start;
        elements += Math.floor((s.end - s.start) / s.item);
        continue;
      }
      bytes += unionLength(s.runs.map(([a, b]): Run => [a, b]));
      const sizes = new Map<number, Run[]>();
      for (const [a, b, item] of s.runs) {
        let sized = sizes.get(item);
        if (!sized) sizes.set(item, (sized = []));
        sized.push([a, b]);
      }
      for (const [item, sized] of sizes) elements += Math.floor(unionLength(sized) / item);
    }
    return { elements, bytes };
  }
}
