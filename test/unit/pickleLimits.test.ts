// The unpickler's limits by construction: each refusal names the limit it hit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedError } from '../../src/core/errors';
import { MAX_MARKS, MAX_STACK, unpickle } from '../../src/core/pickle/unpickler';

const hooks = { resolveGlobal: () => undefined };

test('more values on the stack than the stack depth limit: refused, naming the limit', () => {
  const bytes = new Uint8Array(2 + MAX_STACK + 2).fill(0x4e); // NONE, pushed again and again
  bytes[0] = 0x80;
  bytes[1] = 2;
  bytes[bytes.length - 1] = 0x2e;
  assert.throws(() => unpickle(bytes, hooks), (err: unknown) => err instanceof UnsupportedError && /stack depth limit/.test(err.message));
});

test('MARKs nested deeper than the nesting limit: refused, naming the limit', () => {
  const bytes = new Uint8Array(2 + MAX_MARKS + 2).fill(0x28); // MARK
  bytes[0] = 0x80;
  bytes[1] = 2;
  bytes[bytes.length - 1] = 0x2e;
  assert.throws(() => unpickle(bytes, hooks), (err: unknown) => err instanceof UnsupportedError && /nesting limit/.test(err.message));
});

test('a pickle just inside the limits still reads: 100,000 nested lists', () => {
  const depth = 100_000;
  const bytes = new Uint8Array(2 + 2 * depth + 2);
  bytes.set([0x80, 2]);
  bytes.fill(0x5d, 2, 2 + depth); // EMPTY_LIST
  bytes.fill(0x61, 2 + depth, 1 + 2 * depth); // APPEND
  bytes[1 + 2 * depth] = 0x2e;
  let v = unpickle(bytes.subarray(0, 2 + 2 * depth), hooks).value;
  let levels = 1;
  while (Array.isArray(v) && v.length === 1) {
    v = v[0];
    levels++;
  }
  assert.equal(levels, depth);
});
