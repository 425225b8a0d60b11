// The SIMD float32 → bfloat16 cast gives the TypeScript rounding's bits for every kind of value
// (random bit patterns: NaNs of both signs, infinities, subnormals, exact ties), and castChunk
// finishes the elements it leaves (a length not a multiple of 8) the same way, into a reused buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wasmF32ToBf16 } from '../../src/core/export/castKernel';
import { bfloat16FromFloat32Bits, castChunk } from '../../src/core/export/elementCast';
import { dtypeByName } from '../../src/core/torch/dtypes';

function patterns(n: number): Uint32Array {
  const bits = new Uint32Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bits[i] = x >>> 0;
  }
  // Ties to even both ways, the largest finite values, infinities, NaN payloads, zeros.
  bits.set([0x3f808000, 0x3f818000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7f800001, 0xffc00001, 0x00000000, 0x80000000, 0x00008000, 0x00018000], 0);
  return bits;
}

test('the SIMD cast matches the TypeScript rounding bit for bit, a million values long', () => {
  const bits = patterns(1 << 20);
  const out = new Uint16Array(bits.length);
  const done = wasmF32ToBf16(new Uint8Array(bits.buffer), out);
  assert.equal(done, bits.length, 'WebAssembly SIMD runs on this Node');
  const wrong: string[] = [];
  for (let i = 0; i < bits.length && wrong.length < 5; i++) {
    const want = bfloat16FromFloat32Bits(bits[i]!);
    if (out[i] !== want) wrong.push(`0x${bits[i]!.toString(16)}: 0x${out[i]!.toString(16)} instead of 0x${want.toString(16)}`);
  }
  assert.deepEqual(wrong, []);
});

test('castChunk leaves the last elements to the TypeScript loop and writes into the buffer it is given', () => {
  const bits = patterns(1003);
  const f32 = dtypeByName('float32')!;
  const bf16 = dtypeByName('bfloat16')!;
  const into = new Uint8Array(4096).fill(0xaa);
  const cast = castChunk(new Uint8Array(bits.buffer), f32, bf16, into);
  assert.equal(cast.buffer, into.buffer, 'the given buffer is used');
  assert.equal(cast.byteLength, 2006);
  const got = new Uint16Array(cast.buffer, cast.byteOffset, 1003);
  assert.deepEqual([...got], [...bits].map((b) => bfloat16FromFloat32Bits(b)));
  assert.equal(into[2006], 0xaa, 'nothing past the output is touched');
});
