// A tensor's elements as float64 numbers, by dtype: a table of every bit pattern for the 8- and
// 16-bit dtypes, and chunk decoders for the wider ones. Complex numbers become their magnitude.
import { UnsupportedError } from '../errors';
import { decodeFloat16, isSmallFloat, smallFloatDecoder } from './smallFloats';

/** How statistics read a dtype: by counting bit patterns, or by decoding every element. */
export type ElementKind =
  | { kind: 'pattern'; bits: 8 | 16; values: Float64Array }
  | { kind: 'float32' }
  | { kind: 'float64' }
  | { kind: 'decode'; itemsize: number; decode: (bytes: Uint8Array, out: Float64Array) => number };

const tables = new Map<string, Float64Array>();

function patternTable(dtype: string, bits: 8 | 16, value: (pattern: number) => number): Float64Array {
  let table = tables.get(dtype);
  if (!table) {
    table = new Float64Array(1 << bits);
    for (let p = 0; p < table.length; p++) table[p] = value(p);
    tables.set(dtype, table);
  }
  return table;
}

function viewOf<T>(bytes: Uint8Array, itemsize: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  const aligned = bytes.byteOffset % itemsize === 0 ? bytes : bytes.slice();
  return make(aligned.buffer, aligned.byteOffset, aligned.length / itemsize);
}

const TWO_32 = 4294967296;

function decodeInt32(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 4, (b, o, n) => new Int32Array(b, o, n));
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return a.length;
}

function decodeUint32(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 4, (b, o, n) => new Uint32Array(b, o, n));
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return a.length;
}

function decodeInt64(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 4, (b, o, n) => new Int32Array(b, o, n));
  const n = a.length >> 1;
  for (let i = 0; i < n; i++) out[i] = a[2 * i + 1] * TWO_32 + (a[2 * i] >>> 0);
  return n;
}

function decodeUint64(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 4, (b, o, n) => new Uint32Array(b, o, n));
  const n = a.length >> 1;
  for (let i = 0; i < n; i++) out[i] = a[2 * i + 1] * TWO_32 + a[2 * i];
  return n;
}

function decodeComplex64(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 4, (b, o, n) => new Float32Array(b, o, n));
  const n = a.length >> 1;
  for (let i = 0; i < n; i++) out[i] = Math.hypot(a[2 * i], a[2 * i + 1]);
  return n;
}

function decodeComplex128(bytes: Uint8Array, out: Float64Array): number {
  const a = viewOf(bytes, 8, (b, o, n) => new Float64Array(b, o, n));
  const n = a.length >> 1;
  for (let i = 0; i < n; i++) out[i] = Math.hypot(a[2 * i], a[2 * i + 1]);
  return n;
}

function decodeComplex32(bytes: Uint8Array, out: Float64Array): number {
  const halves = patternTable('float16', 16, decodeFloat16);
  const a = viewOf(bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
  const n = a.length >> 1;
  for (let i = 0; i < n; i++) out[i] = Math.hypot(halves[a[2 * i]], halves[a[2 * i + 1]]);
  return n;
}

const DECODERS: Record<string, { itemsize: number; decode: (bytes: Uint8Array, out: Float64Array) => number }> = {
  int32: { itemsize: 4, decode: decodeInt32 },
  uint32: { itemsize: 4, decode: decodeUint32 },
  int64: { itemsize: 8, decode: decodeInt64 },
  uint64: { itemsize: 8, decode: decodeUint64 },
  complex32: { itemsize: 4, decode: decodeComplex32 },
  complex64: { itemsize: 8, decode: decodeComplex64 },
  complex128: { itemsize: 16, decode: decodeComplex128 },
};

/** How to read `dtype`'s elements; throws UnsupportedError for quantized and packed dtypes. */
export function elementKind(dtype: string): ElementKind {
  if (dtype === 'float32') return { kind: 'float32' };
  if (dtype === 'float64') return { kind: 'float64' };
  if (isSmallFloat(dtype)) {
    const decode = smallFloatDecoder(dtype)!;
    const bits = dtype.startsWith('float8') ? 8 : 16;
    return { kind: 'pattern', bits, values: patternTable(dtype, bits, decode) };
  }
  switch (dtype) {
    case 'bool':
      return { kind: 'pattern', bits: 8, values: patternTable(dtype, 8, (p) => (p !== 0 ? 1 : 0)) };
    case 'uint8':
      return { kind: 'pattern', bits: 8, values: patternTable(dtype, 8, (p) => p) };
    case 'int8':
      return { kind: 'pattern', bits: 8, values: patternTable(dtype, 8, (p) => (p << 24) >> 24) };
    case 'int16':
      return { kind: 'pattern', bits: 16, values: patternTable(dtype, 16, (p) => (p << 16) >> 16) };
    case 'uint16':
      return { kind: 'pattern', bits: 16, values: patternTable(dtype, 16, (p) => p) };
  }
  const decoder = DECODERS[dtype];
  if (decoder) return { kind: 'decode', ...decoder };
  throw new UnsupportedError(`statistics of ${dtype} tensors are not supported (quantized and packed dtypes have no plain values).`);
}
