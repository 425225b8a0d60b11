// The float32 → bfloat16 cast of wasm/castKernels.wat: the export's one cast that a training run's
// checkpoints need in bulk, 4–8x the TypeScript loop's speed. Elements are copied into the module's
// memory a piece at a time (a piece stays in cache between the copy, the kernel and the copy back).
// Where WebAssembly SIMD is missing the module is never made and the TypeScript loop does it all.
import { castKernelsBytes } from './wasm/castKernelsBytes';

/** What is used of the WebAssembly global, whose types come with the DOM library the core leaves out. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface CastExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  f32ToBf16(input: number, output: number, n: number): void;
}

/** Input bytes per piece; the output (half of it) follows. */
const PIECE_BYTES = 1 << 19;
const OUT = PIECE_BYTES;

let made: CastExports | null | undefined;

function kernels(): CastExports | undefined {
  if (made === undefined) {
    try {
      const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (!api) throw new Error('no WebAssembly');
      const exports = new api.Instance(new api.Module(castKernelsBytes)).exports as CastExports;
      exports.memory.grow(Math.ceil((PIECE_BYTES + PIECE_BYTES / 2) / 65536));
      made = exports;
    } catch {
      made = null; // no WebAssembly SIMD here: the TypeScript loop casts everything
    }
  }
  return made ?? undefined;
}

/**
 * Casts the float32 elements of `src` (little-endian bytes) to bfloat16 bits in `out`, all but the
 * last `n % 8`; returns how many elements it cast (0 where WebAssembly SIMD is missing).
 */
export function wasmF32ToBf16(src: Uint8Array, out: Uint16Array): number {
  const k = kernels();
  if (!k) return 0;
  const n = Math.floor(src.byteLength / 4 / 8) * 8;
  const perPiece = PIECE_BYTES / 4;
  for (let done = 0; done < n; done += perPiece) {
    const count = Math.min(perPiece, n - done);
    new Uint8Array(k.memory.buffer, 0, count * 4).set(src.subarray(done * 4, (done + count) * 4));
    k.f32ToBf16(0, OUT, count);
    out.set(new Uint16Array(k.memory.buffer, OUT, count), done);
  }
  return n;
}
