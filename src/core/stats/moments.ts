// Count, min, max, mean and the sum of squared deviations (M2) of float64 values, with NaN,
// infinities and zeros counted apart. Each array is summed around its first finite value and
// partials merge with Chan et al.'s pairwise formula, which stays accurate over billions of
// elements where a running sum of squares would not. Partials are plain data, so the halves of
// a tensor scanned by two workers merge the same way. Float32 and float64 arrays go through the
// SIMD kernels (wasmKernels.ts) a piece at a time; the loop here takes what they cannot.
import { wasmMoments, wasmPieceElements } from './wasmKernels';

export interface MomentsPartial {
  /** Finite elements. */
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  zeros: number;
  nan: number;
  posinf: number;
  neginf: number;
}

export function emptyMoments(): MomentsPartial {
  return { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, zeros: 0, nan: 0, posinf: 0, neginf: 0 };
}

/** `into` with `other` merged in (returns `into`). */
export function mergeMoments(into: MomentsPartial, other: MomentsPartial): MomentsPartial {
  into.zeros += other.zeros;
  into.nan += other.nan;
  into.posinf += other.posinf;
  into.neginf += other.neginf;
  if (other.min < into.min) into.min = other.min;
  if (other.max > into.max) into.max = other.max;
  if (other.n === 0) return into;
  if (into.n === 0) {
    into.n = other.n;
    into.mean = other.mean;
    into.m2 = other.m2;
    return into;
  }
  const total = into.n + other.n;
  const delta = other.mean - into.mean;
  into.mean += (delta * other.n) / total;
  into.m2 += other.m2 + (delta * delta * into.n * other.n) / total;
  into.n = total;
  return into;
}

/** Moments of one value seen `times` times (the pattern tables of 8- and 16-bit dtypes). */
export function repeatedMoments(v: number, times: number): MomentsPartial {
  const p = emptyMoments();
  if (v !== v) p.nan = times;
  else if (v === Infinity) p.posinf = times;
  else if (v === -Infinity) p.neginf = times;
  else Object.assign(p, { n: times, mean: v, min: v, max: v, zeros: v === 0 ? times : 0 });
  return p;
}

type Kernel = (values: ArrayLike<number>) => MomentsPartial;

/** Elements per block of the branch-free loop. */
const BLOCK = 4096;

/**
 * One scanning loop per array type: V8 keeps type feedback per closure, so a kernel made here
 * for Float32Array alone stays monomorphic and runs about a third faster than one shared loop.
 */
function makeKernel(): Kernel {
  return (a) => {
    const p = emptyMoments();
    let i = 0;
    let shift = 0;
    for (; i < a.length; i++) {
      const v = a[i];
      if (v - v === 0) {
        shift = v;
        break;
      }
      if (v !== v) p.nan++;
      else if (v > 0) p.posinf++;
      else p.neginf++;
    }
    let { min, max, zeros } = p;
    let n = 0;
    let s1 = 0;
    let s2 = 0;
    // Blocks without a branch per element while every value is finite: a NaN or an infinity
    // makes the block's sum of squares non-finite, and that block is scanned again exactly.
    for (let start = i; start < a.length; start += BLOCK) {
      const end = Math.min(a.length, start + BLOCK);
      let bmin = min;
      let bmax = max;
      let bzeros = 0;
      let b1 = 0;
      let b2 = 0;
      for (let j = start; j < end; j++) {
        const v = a[j];
        const d = v - shift;
        bmin = v < bmin ? v : bmin;
        bmax = v > bmax ? v : bmax;
        bzeros += v === 0 ? 1 : 0;
        b1 += d;
        b2 += d * d;
      }
      if (b2 - b2 === 0) {
        min = bmin;
        max = bmax;
        zeros += bzeros;
        s1 += b1;
        s2 += b2;
        n += end - start;
        continue;
      }
      for (let j = start; j < end; j++) {
        const v = a[j];
        const d = v - shift;
        // d - d is NaN exactly when v is NaN or infinite.
        if (d - d !== 0) {
          if (v !== v) p.nan++;
          else if (v > 0) p.posinf++;
          else p.neginf++;
          continue;
        }
        if (v < min) min = v;
        if (v > max) max = v;
        if (v === 0) zeros++;
        s1 += d;
        s2 += d * d;
        n++;
      }
    }
    p.min = min;
    p.max = max;
    p.zeros = zeros;
    if (n > 0) {
      p.n = n;
      p.mean = shift + s1 / n;
      p.m2 = Math.max(0, s2 - (s1 * s1) / n);
    }
    return p;
  };
}

const exactFloat32 = makeKernel();
const exactFloat64 = makeKernel();

/** The moments of a piece from the SIMD kernel's sums, or the exact loop's where it has none. */
function simdKernel(exact: Kernel): (a: Float32Array | Float64Array) => MomentsPartial {
  return (a) => {
    const piece = wasmPieceElements(a);
    if (piece === 0) return exact(a);
    const total = emptyMoments();
    for (let start = 0; start < a.length; start += piece) {
      const part = a.subarray(start, Math.min(a.length, start + piece));
      const sums = wasmMoments(part);
      if (!sums) {
        mergeMoments(total, exact(part));
        continue;
      }
      const { n, shift, sum, squares } = sums;
      mergeMoments(total, { n, mean: shift + sum / n, m2: Math.max(0, squares - (sum * sum) / n), min: sums.min, max: sums.max, zeros: sums.zeros, nan: 0, posinf: 0, neginf: 0 });
      if (n < part.length) mergeMoments(total, exact(part.subarray(n)));
    }
    return total;
  };
}

export const float32Moments = simdKernel(exactFloat32);
export const float64Moments = simdKernel(exactFloat64);
/** The TypeScript loops alone, for tests that check the SIMD kernels against them. */
export const exactMoments = { float32: exactFloat32, float64: exactFloat64 };
