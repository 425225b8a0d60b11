// The sums that describe how two tensors of one shape differ, in float64: the absolute
// differences (sum, max), the squared differences, both squared norms and the dot product, and
// the pairs torch.testing.assert_close would call not close. Partials are plain data: the pieces
// of a tensor compared by two workers merge by adding.
import type { Tolerance } from './closeness';

export interface DiffPartial {
  /** Element pairs seen. */
  n: number;
  sumAbs: number;
  /** Largest |a - b| over the pairs where it is a number. */
  maxAbs: number;
  /** Pairs where a - b is NaN (a NaN on either side, or inf - inf): max_abs_diff is NaN then, as in torch. */
  nanDiffs: number;
  sumSqDiff: number;
  sumSqA: number;
  sumSqB: number;
  dot: number;
  notClose: number;
}

export function emptyDiff(): DiffPartial {
  return { n: 0, sumAbs: 0, maxAbs: 0, nanDiffs: 0, sumSqDiff: 0, sumSqA: 0, sumSqB: 0, dot: 0, notClose: 0 };
}

export function mergeDiff(into: DiffPartial, other: DiffPartial): DiffPartial {
  into.n += other.n;
  into.sumAbs += other.sumAbs;
  if (other.maxAbs > into.maxAbs) into.maxAbs = other.maxAbs;
  into.nanDiffs += other.nanDiffs;
  into.sumSqDiff += other.sumSqDiff;
  into.sumSqA += other.sumSqA;
  into.sumSqB += other.sumSqB;
  into.dot += other.dot;
  into.notClose += other.notClose;
  return into;
}

/** Pairs of bytes-equal elements: no difference, and both norms and the dot product are |a|². */
export function addEqualValues(into: DiffPartial, values: ArrayLike<number>): void {
  let sq = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) nan++;
    else sq += v * v;
  }
  into.n += values.length;
  into.sumSqA += sq;
  into.sumSqB += sq;
  into.dot += sq;
  // NaN - NaN is NaN and assert_close (equal_nan=False) calls it not close; an infinity equals itself.
  if (nan > 0) {
    into.nanDiffs += nan;
    into.notClose += nan;
    into.sumAbs = NaN;
    into.sumSqDiff = NaN;
    into.sumSqA = into.sumSqB = into.dot = NaN;
  }
}

type DiffKernel = (a: ArrayLike<number>, b: ArrayLike<number>, tol: Tolerance, into: DiffPartial) => void;

/**
 * Exact for every input, NaN and infinities included: assert_close's test as torch.isclose
 * writes it (equal, or a finite difference within atol + rtol * |expected|).
 */
function makeExactKernel(): DiffKernel {
  return (a, b, tol, into) => {
    const { rtol, atol } = tol;
    let sumAbs = 0;
    let maxAbs = into.maxAbs;
    let nanDiffs = 0;
    let sumSqDiff = 0;
    let sumSqA = 0;
    let sumSqB = 0;
    let dot = 0;
    let notClose = 0;
    const n = a.length;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      const d = x - y;
      const ad = Math.abs(d);
      if (ad > maxAbs) maxAbs = ad;
      else if (ad !== ad) nanDiffs++;
      sumAbs += ad;
      sumSqDiff += d * d;
      sumSqA += x * x;
      sumSqB += y * y;
      dot += x * y;
      if (x !== y && !(ad <= atol + rtol * Math.abs(x) && ad !== Infinity)) notClose++;
    }
    add(into, n, sumAbs, maxAbs, nanDiffs, sumSqDiff, sumSqA, sumSqB, dot, notClose);
  };
}

function add(into: DiffPartial, n: number, sumAbs: number, maxAbs: number, nanDiffs: number, sumSqDiff: number, sumSqA: number, sumSqB: number, dot: number, notClose: number): void {
  into.n += n;
  into.sumAbs += sumAbs;
  into.maxAbs = maxAbs;
  into.nanDiffs += nanDiffs;
  into.sumSqDiff += sumSqDiff;
  into.sumSqA += sumSqA;
  into.sumSqB += sumSqB;
  into.dot += dot;
  into.notClose += notClose;
}

/**
 * One loop per array type, as in moments.ts: V8 keeps type feedback per closure, so the float32
 * kernel stays monomorphic. The loop has no branches (several times faster than one with them
 * here); it is exact while every value is finite, which its sums tell afterwards: a NaN or an
 * infinity anywhere (or an overflowing square) makes them non-finite, and then the exact kernel
 * does the array again.
 */
function makeKernel(): DiffKernel {
  const exact = makeExactKernel();
  return (a, b, tol, into) => {
    const { rtol, atol } = tol;
    let sumAbs = 0;
    let maxAbs = into.maxAbs;
    let sumSqDiff = 0;
    let sumSqA = 0;
    let sumSqB = 0;
    let dot = 0;
    let notClose = 0;
    const n = a.length;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      const d = x - y;
      const ad = Math.abs(d);
      maxAbs = ad > maxAbs ? ad : maxAbs;
      sumAbs += ad;
      sumSqDiff += d * d;
      sumSqA += x * x;
      sumSqB += y * y;
      dot += x * y;
      notClose += ad <= atol + rtol * Math.abs(x) ? 0 : 1;
    }
    if (Number.isFinite(sumAbs + sumSqDiff + sumSqA + sumSqB + dot)) add(into, n, sumAbs, maxAbs, 0, sumSqDiff, sumSqA, sumSqB, dot, notClose);
    else exact(a, b, tol, into);
  };
}

export const float32Diff: DiffKernel = makeKernel();
export const float64Diff: DiffKernel = makeKernel();

export interface DiffStats {
  mean_abs_diff: number;
  max_abs_diff: number;
  /** ||a - b|| / ||a||; 0 when both are zero (Infinity when only A is). */
  rel_l2: number;
  /** a·b / (||a|| ||b||); 1 when both are zero, 0 when one is. */
  cosine: number;
  not_close: number;
}

export function diffStats(p: DiffPartial): DiffStats {
  const normA = Math.sqrt(p.sumSqA);
  const normB = Math.sqrt(p.sumSqB);
  const normD = Math.sqrt(p.sumSqDiff);
  return {
    mean_abs_diff: p.n > 0 ? p.sumAbs / p.n : 0,
    max_abs_diff: p.nanDiffs > 0 ? NaN : p.maxAbs,
    rel_l2: normD === 0 ? 0 : normD / normA,
    cosine: normA === 0 && normB === 0 ? 1 : normA === 0 || normB === 0 ? 0 : p.dot / normA / normB,
    not_close: p.notClose,
  };
}
