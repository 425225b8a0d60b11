// A histogram of equal-width bins between the finite min and max, as torch.histogram builds one:
// edges from a linspace, each value placed by linear interpolation and then checked against the
// edges on either side, the max in the last bin. NaN and infinities are not placed. Float32 and
// float64 arrays go through the SIMD kernels (wasmKernels.ts), which place each value exactly so.
import { wasmHistogram, wasmPieceElements } from './wasmKernels';

/** `bins + 1` edges from `lo` to `hi`, computed as torch.linspace computes them (from both ends). */
export function histogramEdges(lo: number, hi: number, bins: number): Float64Array {
  // A single value (or none) gets a unit-wide range around it, as numpy does.
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  const half = Math.floor((bins + 1) / 2);
  for (let i = 0; i <= bins; i++) edges[i] = i < half ? lo + step * i : hi - step * (bins - i);
  return edges;
}

/** The bin of a finite `v` in [edges[0], edges[last]]. */
export function binOf(v: number, edges: Float64Array): number {
  const last = edges.length - 2;
  const lo = edges[0];
  let pos = Math.floor(((v - lo) * (last + 1)) / (edges[last + 1] - lo));
  if (pos > last) pos = last;
  if (pos < 0) pos = 0;
  // The interpolation can land one bin off next to an edge; the edges decide.
  if (v < edges[pos] && pos > 0) pos--;
  else if (pos < last && v >= edges[pos + 1]) pos++;
  return pos;
}

type Kernel = (values: ArrayLike<number>, edges: Float64Array, counts: Float64Array) => void;

/** As in moments.ts: one closure per array type keeps each loop monomorphic. */
function makeKernel(): Kernel {
  return (a, edges, counts) => {
    const last = edges.length - 2;
    const lo = edges[0];
    const hi = edges[last + 1];
    const scale = (last + 1) / (hi - lo);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      // False for NaN too.
      if (!(v >= lo && v <= hi)) continue;
      let pos = ((v - lo) * scale) | 0;
      if (pos > last) pos = last;
      if (v < edges[pos]) pos--;
      else if (pos < last && v >= edges[pos + 1]) pos++;
      counts[pos]++;
    }
  };
}

const exactFloat32 = makeKernel();
const exactFloat64 = makeKernel();

function simdKernel(exact: Kernel): (a: Float32Array | Float64Array, edges: Float64Array, counts: Float64Array) => void {
  return (a, edges, counts) => {
    const piece = wasmPieceElements(a);
    if (piece === 0) return exact(a, edges, counts);
    for (let start = 0; start < a.length; start += piece) {
      const part = a.subarray(start, Math.min(a.length, start + piece));
      const taken = wasmHistogram(part, edges, counts);
      if (taken < part.length) exact(part.subarray(taken), edges, counts);
    }
  };
}

export const float32Histogram = simdKernel(exactFloat32);
export const float64Histogram = simdKernel(exactFloat64);
/** The TypeScript loops alone, for tests that check the SIMD kernels against them. */
export const exactHistogram = { float32: exactFloat32, float64: exactFloat64 };
