// Casting float tensors as torch's `.to()` does, chunk by chunk: float32 to bfloat16 and float16
// round to nearest, ties to even; float64 goes through float32 first (torch converts a double to
// float, then to the half type). Integers and bools are never cast; the caller decides that.
import { decodeBfloat16, decodeFloat16 } from '../stats/smallFloats';
import type { DType } from '../torch/dtypes';
import { dtypeByName } from '../torch/dtypes';
import { wasmF32ToBf16 } from './castKernel';

/** The dtypes an export may cast to, by their short names. */
export const CAST_TARGETS = { bf16: 'bfloat16', fp16: 'float16', fp32: 'float32' } as const;
export type CastName = keyof typeof CAST_TARGETS;

const CASTABLE = new Set(['float64', 'float32', 'float16', 'bfloat16']);

/** The dtype a tensor of `from` is written as when the export asks for `to` (floats only). */
export function castDtype(from: DType, to: CastName | undefined): DType {
  if (!to || !CASTABLE.has(from.name)) return from;
  return dtypeByName(CAST_TARGETS[to])!;
}

/** float32 bits to bfloat16 bits, round to nearest even; NaN becomes torch's 0x7fc0. */
export function bfloat16FromFloat32Bits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  return ((bits >>> 0) + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

/** float32 bits to IEEE half bits, round to nearest even, with subnormals; NaN keeps its sign as 0x7e00. */
export function float16FromFloat32Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | (mant ? 0x7e00 : 0x7c00);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    let r = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) r++; // a carry into the exponent is right, up to infinity
  return sign | r;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function float32Bits(value: number): number {
  f32[0] = value;
  return u32[0];
}

/** A typed view on `bytes`, copying them first when they are not aligned for it. */
function aligned(bytes: Uint8Array, itemsize: number): Uint8Array {
  return bytes.byteOffset % itemsize === 0 ? bytes : bytes.slice();
}

/**
 * Every element of `chunk` (whole elements of `from`, little-endian) as `to`: in `into` when given
 * and big enough (its start is returned), else in a new array.
 */
export function castChunk(chunk: Uint8Array, from: DType, to: DType, into?: Uint8Array): Uint8Array {
  if (from.name === to.name) return chunk;
  const src = aligned(chunk, from.itemsize);
  const n = src.byteLength / from.itemsize;
  const out = into && into.byteLength >= n * to.itemsize && into.byteOffset % 4 === 0 ? into.subarray(0, n * to.itemsize) : new Uint8Array(n * to.itemsize);
  // float32 bits of each input element: the one path every cast takes.
  let bitsAt: (i: number) => number;
  switch (from.name) {
    case 'float32': {
      const v = new Uint32Array(src.buffer, src.byteOffset, n);
      bitsAt = (i) => v[i];
      break;
    }
    case 'float64': {
      const v = new Float64Array(src.buffer, src.byteOffset, n);
      bitsAt = (i) => float32Bits(v[i]);
      break;
    }
    case 'float16': {
      const v = new Uint16Array(src.buffer, src.byteOffset, n);
      bitsAt = (i) => float32Bits(decodeFloat16(v[i]));
      break;
    }
    case 'bfloat16': {
      const v = new Uint16Array(src.buffer, src.byteOffset, n);
      bitsAt = (i) => (v[i] << 16) >>> 0;
      break;
    }
    default:
      throw new Error(`cannot cast ${from.name} to ${to.name}.`);
  }
  switch (to.name) {
    case 'float32': {
      const o = new Uint32Array(out.buffer, out.byteOffset, n);
      if (from.name === 'bfloat16' || from.name === 'float16') {
        const decode = from.name === 'bfloat16' ? decodeBfloat16 : decodeFloat16;
        const v = new Uint16Array(src.buffer, src.byteOffset, n);
        const of = new Float32Array(out.buffer, out.byteOffset, n);
        for (let i = 0; i < n; i++) of[i] = decode(v[i]);
      } else {
        for (let i = 0; i < n; i++) o[i] = bitsAt(i);
      }
      break;
    }
    case 'bfloat16': {
      const o = new Uint16Array(out.buffer, out.byteOffset, n);
      if (from.name === 'float32') {
        const v = new Uint32Array(src.buffer, src.byteOffset, n);
        // The SIMD kernel takes all but the last few; the same rounding finishes them here.
        for (let i = wasmF32ToBf16(src, o); i < n; i++) o[i] = bfloat16FromFloat32Bits(v[i]);
      } else {
        for (let i = 0; i < n; i++) o[i] = bfloat16FromFloat32Bits(bitsAt(i));
      }
      break;
    }
    case 'float16': {
      const o = new Uint16Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) o[i] = float16FromFloat32Bits(bitsAt(i));
      break;
    }
    default:
      throw new Error(`cannot cast ${from.name} to ${to.name}.`);
  }
  return out;
}

/** Output buffers a cast stream rotates through: a chunk stays valid while the next two are made. */
const CAST_BUFFERS = 3;

/**
 * The chunks of a tensor of `from`, cast to `to` (passed through when they are the same), each
 * valid until the next two are asked for: the output goes to a few reused buffers.
 */
export async function* castChunks(chunks: AsyncIterable<Uint8Array>, from: DType, to: DType): AsyncGenerator<Uint8Array> {
  if (from.name === to.name) {
    yield* chunks;
    return;
  }
  const ring: Uint8Array[] = [];
  let i = 0;
  for await (const chunk of chunks) {
    const size = (chunk.byteLength / from.itemsize) * to.itemsize;
    const slot = i++ % CAST_BUFFERS;
    if (!ring[slot] || ring[slot].byteLength < size) ring[slot] = new Uint8Array(size);
    yield castChunk(chunk, from, to, ring[slot]);
  }
}
