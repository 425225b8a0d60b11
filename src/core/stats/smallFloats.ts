// Decoding the floating-point formats narrower than float32, bit pattern by bit pattern: float16,
// bfloat16 and the four float8 formats torch saves. Every pattern of an 8- or 16-bit format fits
// in a table, so statistics count patterns and decode each distinct one once.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
export function decodeFloat16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** bfloat16: the upper half of a float32. */
export function decodeBfloat16(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

interface Float8Layout {
  mantissaBits: number;
  bias: number;
  /** e5m2 keeps IEEE infinities and NaNs at the top exponent. */
  ieeeSpecials: boolean;
  /** The `fnuz` formats have no negative zero: 0x80 is their only NaN. */
  nanIsNegativeZero: boolean;
}

const FLOAT8: Record<string, Float8Layout> = {
  float8_e4m3fn: { mantissaBits: 3, bias: 7, ieeeSpecials: false, nanIsNegativeZero: false },
  float8_e5m2: { mantissaBits: 2, bias: 15, ieeeSpecials: true, nanIsNegativeZero: false },
  float8_e4m3fnuz: { mantissaBits: 3, bias: 8, ieeeSpecials: false, nanIsNegativeZero: true },
  float8_e5m2fnuz: { mantissaBits: 2, bias: 16, ieeeSpecials: false, nanIsNegativeZero: true },
};

function decodeFloat8(bits: number, f: Float8Layout): number {
  if (f.nanIsNegativeZero && bits === 0x80) return NaN;
  const sign = bits & 0x80 ? -1 : 1;
  const expBits = 7 - f.mantissaBits;
  const expMax = (1 << expBits) - 1;
  const exp = (bits >> f.mantissaBits) & expMax;
  const mant = bits & ((1 << f.mantissaBits) - 1);
  const scale = 1 << f.mantissaBits;
  if (f.ieeeSpecials && exp === expMax) return mant ? NaN : sign * Infinity;
  // e4m3fn: only S.1111.111 is NaN; the rest of the top exponent are ordinary numbers.
  if (!f.ieeeSpecials && !f.nanIsNegativeZero && exp === expMax && mant === scale - 1) return NaN;
  if (exp === 0) return sign * (mant / scale) * 2 ** (1 - f.bias);
  return sign * (1 + mant / scale) * 2 ** (exp - f.bias);
}

/** True for the dtypes this module decodes. */
export function isSmallFloat(dtype: string): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || Object.hasOwn(FLOAT8, dtype);
}

/** The decoder for one of the small float formats, by torch's dtype name. */
export function smallFloatDecoder(dtype: string): ((bits: number) => number) | undefined {
  if (dtype === 'float16') return decodeFloat16;
  if (dtype === 'bfloat16') return decodeBfloat16;
  const layout = FLOAT8[dtype];
  return layout ? (bits) => decodeFloat8(bits, layout) : undefined;
}
