import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeScalar } from '../../src/core/inspect/scalarMetrics';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('scalars decode from little-endian bytes of each real dtype', () => {
  assert.equal(decodeScalar('float32', new Uint8Array(Float32Array.of(0.5).buffer)), 0.5);
  assert.equal(decodeScalar('float64', new Uint8Array(Float64Array.of(-2.25).buffer)), -2.25);
  assert.equal(decodeScalar('float16', bytes(0x00, 0x3c)), 1);
  assert.equal(decodeScalar('float16', bytes(0x00, 0xc0)), -2);
  assert.equal(decodeScalar('float16', bytes(0x01, 0x00)), 2 ** -24);
  assert.equal(decodeScalar('float16', bytes(0x00, 0x7c)), Infinity);
  assert.ok(Number.isNaN(decodeScalar('float16', bytes(0x01, 0x7e)) as number));
  assert.equal(decodeScalar('bfloat16', bytes(0x80, 0x3f)), 1);
  assert.equal(decodeScalar('bfloat16', bytes(0x49, 0x40)), 3.140625);
  assert.equal(decodeScalar('int64', new Uint8Array(BigInt64Array.of(-7n).buffer)), -7);
  assert.equal(decodeScalar('int8', bytes(0xff)), -1);
  assert.equal(decodeScalar('uint8', bytes(0xff)), 255);
  assert.equal(decodeScalar('complex64', new Uint8Array(8)), undefined);
});
