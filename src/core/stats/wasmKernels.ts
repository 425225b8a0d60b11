// The SIMD kernels of wasm/statsKernels.wat, for the statistics passes over float32 and float64
// elements: a tensor's values are copied into the module's memory a piece at a time (a piece stays
// in the core's cache while the kernel reads it), reduced there, and the results read back. Every
// piece the SIMD loop cannot take exactly (a NaN or an infinity in it, a sum of squares that
// overflows) is answered `undefined`, and the caller runs its exact TypeScript loop on that piece.
// Where WebAssembly SIMD is missing the module is never made and callers always use their loops.
import { statsKernelsBytes } from './wasm/statsKernelsBytes';

/** What is used of the WebAssembly global, whose types come with the DOM library the core leaves out. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  momentsF32(ptr: number, n: number, shift: number): void;
  momentsF64(ptr: number, n: number, shift: number): void;
  histogramF32(ptr: number, n: number, bins: number, counts: number): void;
  histogramF64(ptr: number, n: number, bins: number, counts: number): void;
}

/** Bins the module's layout has room for; a histogram with more uses the TypeScript loop. */
export const WASM_MAX_BINS = 4096;
const EDGES = 64;
const COUNTS = EDGES + 8 * (WASM_MAX_BINS + 1) + 56; // 16-byte aligned
const DATA = COUNTS + 4 * 4 * WASM_MAX_BINS;
/** Bytes per piece: small enough to stay in a core's L2 cache between the copy and the kernel. */
const PIECE_BYTES = 1 << 20;

/** Sums of one piece, its elements shifted by `shift` (see moments.ts). */
export interface PieceSums {
  n: number;
  shift: number;
  min: number;
  max: number;
  sum: number;
  squares: number;
  zeros: number;
}

let made: KernelExports | null | undefined;

function kernels(): KernelExports | undefined {
  if (made === undefined) {
    try {
      const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (!api) throw new Error('no WebAssembly');
      const module = new api.Module(statsKernelsBytes);
      const exports = new api.Instance(module).exports as KernelExports;
      exports.memory.grow(Math.ceil((DATA + PIECE_BYTES) / 65536));
      made = exports;
    } catch {
      made = null; // no WebAssembly SIMD here: the TypeScript loops do all of it
    }
  }
  return made ?? undefined;
}

type Floats = Float32Array | Float64Array;

/** Elements per piece for this array type, or 0 when the kernels are not available. */
export function wasmPieceElements(values: Floats): number {
  return kernels() ? PIECE_BYTES / values.BYTES_PER_ELEMENT : 0;
}

/** Copies `values` (at most a piece) into the module's memory; returns the kernels. */
function load(values: Floats): KernelExports {
  const k = kernels()!;
  new Uint8Array(k.memory.buffer, DATA, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return k;
}

/**
 * Sums of the elements of one piece (at most wasmPieceElements) that the SIMD loop takes: all but
 * the last `values.length % 4` (float32) or `% 2` (float64). Undefined when the piece needs the
 * exact loop: its first value or any other is not finite, or its squares overflow.
 */
export function wasmMoments(values: Floats): PieceSums | undefined {
  const f32 = values instanceof Float32Array;
  const n = values.length - (values.length % (f32 ? 4 : 2));
  const shift = values[0];
  if (n === 0 || !(shift - shift === 0)) return undefined;
  const k = load(values.subarray(0, n));
  (f32 ? k.momentsF32 : k.momentsF64)(DATA, n, shift);
  const [min, max, sum, squares, zeros] = new Float64Array(k.memory.buffer, 0, 5);
  if (!(squares - squares === 0) || !(sum - sum === 0)) return undefined;
  return { n, shift, min, max, sum, squares, zeros };
}

/**
 * Adds the bins of the elements of one piece (at most wasmPieceElements) that the SIMD loop takes,
 * all but the last `values.length % 4`, into `counts`; returns how many it took (0 when the
 * histogram has more bins than the module's layout).
 */
export function wasmHistogram(values: Floats, edges: Float64Array, counts: Float64Array): number {
  const bins = edges.length - 1;
  const n = values.length - (values.length % 4);
  if (n === 0 || bins > WASM_MAX_BINS) return 0;
  const k = load(values.subarray(0, n));
  new Float64Array(k.memory.buffer, EDGES, edges.length).set(edges);
  const sub = new Uint32Array(k.memory.buffer, COUNTS, 4 * bins);
  sub.fill(0);
  (values instanceof Float32Array ? k.histogramF32 : k.histogramF64)(DATA, n, bins, COUNTS);
  for (let lane = 0; lane < 4; lane++) for (let i = 0; i < bins; i++) counts[i] += sub[lane * bins + i];
  return n;
}
