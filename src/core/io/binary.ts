// Little-endian integer reads on byte arrays. 64-bit values come back as JS numbers: anything past
// 2^53 loses precision, which is harmless because callers compare such values with file sizes and
// every real file is far smaller.

export function u16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

export function u32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

export function u64(bytes: Uint8Array, offset: number): number {
  return u32(bytes, offset + 4) * 0x1_0000_0000 + u32(bytes, offset);
}

/** The four bytes at `offset` equal `signature` read as a little-endian u32. */
export function hasSignature(bytes: Uint8Array, offset: number, signature: number): boolean {
  return offset >= 0 && offset + 4 <= bytes.length && u32(bytes, offset) === signature;
}

/** Throws a RangeError unless `offset` and `length` are non-negative safe integers (a caller bug, not bad input). */
export function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`Invalid byte range: offset ${offset}, length ${length}.`);
  }
}
