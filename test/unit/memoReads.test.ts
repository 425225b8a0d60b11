// The pass that finds which memo entries a pickle reads back (so the unpickler keeps only those):
// every read opcode is found, every argument is stepped over, and anything it cannot follow
// gives undefined (then the unpickler keeps every entry).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoReads } from '../../src/core/pickle/memoReads';

function pkl(...parts: Array<number | string | Uint8Array>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64 = (n: number): Uint8Array => Uint8Array.of(...u32(n), 0, 0, 0, 0);

const readSet = (data: Uint8Array, candidates: number[], offset = 0): number[] | undefined => {
  const reads = memoReads(data, offset);
  return reads && candidates.filter((i) => reads.has(i));
};

test('BINGET, LONG_BINGET and GET are found; arguments that look like them are stepped over', () => {
  // A 'h' (BINGET) and a 'j' (LONG_BINGET) inside string, bytes, float and int arguments must not count.
  const data = pkl(
    0x80, 4, 0x95, u64(0), '(',
    0x8c, 2, 'hj', 'X', u32(2), 'hh', 'B', u32(1), 'j', 'C', 1, 'h', 0x8d, u64(1), 'h', 0x8e, u64(1), 'h', 0x96, u64(1), 'h',
    'U', 1, 'h', 'T', u32(1), 'h', 0x8a, 1, 0x68, 0x8b, u32(1), 0x6a, 'G', 'hhhhhhhh', 'J', 'hhhh', 'M', 'hh', 'K', 'h',
    'I7\n', 'L7L\n', 'F1.0\n', "S'h'\n", 'Vh\n', 'p104\n', 'Ph\n', 'cmod\nname\n', 'imod\nname\n',
    'q', 'h', 'r', u32(0x68), 0x82, 'h', 0x83, 'hh', 0x84, 'hhhh',
    'h', 3, 'j', u32(70_000), 'g 12 \n', 'j', u32(1 << 30),
    't.',
  );
  assert.deepEqual(readSet(data, [3, 12, 70_000, 1 << 30, 0x68, 104, 0x6868]), [3, 12, 70_000, 1 << 30]);
});

test('a second pickle in the stream is scanned from its own offset to its STOP', () => {
  const first = pkl(0x80, 2, 'K', 1, 'h', 1, '.');
  const data = pkl(...first, 0x80, 2, 'h', 2, '.', 'h', 9, '.');
  assert.deepEqual(readSet(data, [1, 2, 9]), [1]);
  assert.deepEqual(readSet(data, [1, 2, 9], first.length), [2]);
});

test('what the pass cannot follow to a STOP gives undefined', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['no STOP', pkl(0x80, 2, 'K', 1)],
    ['an argument past the end', pkl(0x80, 4, 'X', u32(100), 'abc')],
    ['an 8-byte length over 2^32', pkl(0x80, 4, 0x8d, Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), '.')],
    ['a negative BINSTRING length', pkl('T', u32(0xffffffff), '.')],
    ['a line without its newline', pkl('I12')],
    ['a GET that is not a number', pkl('gx\n.')],
    ['a byte that is no opcode', pkl(0x80, 2, 0xff, '.')],
    ['BINGET without its index', pkl('h')],
  ];
  for (const [name, data] of cases) assert.equal(memoReads(data, 0), undefined, name);
});
