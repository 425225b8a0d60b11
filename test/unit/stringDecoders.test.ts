// The string decoders the unpickler uses, each against a table of bytes and the str Python makes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentProblem } from '../../src/core/pickle/argumentProblem';
import { decodeUtf8, escapeDecode, latin1, py2String, rawUnicodeEscape } from '../../src/core/pickle/stringDecoders';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('decodeUtf8: UTF-8 with lone surrogates passed (surrogatepass), undefined for anything else', () => {
  const table: Array<[Uint8Array, string | undefined]> = [
    [bytes(), ''],
    [bytes(0x61, 0x62), 'ab'],
    [bytes(0xc3, 0xa9), 'é'],
    [bytes(0xe2, 0x82, 0xac), '€'],
    [bytes(0xf0, 0x9f, 0x98, 0x80), '😀'],
    [bytes(0xef, 0xbb, 0xbf, 0x61), '\ufeffa'], // a leading BOM is part of the str
    [bytes(0xed, 0xa0, 0x80), '\ud800'], // a lone high surrogate
    [bytes(0x61, 0xed, 0xbf, 0xbf), 'a\udfff'],
    [bytes(0xc0, 0x80), undefined], // overlong
    [bytes(0xe0, 0x80, 0x80), undefined], // overlong
    [bytes(0xf4, 0x90, 0x80, 0x80), undefined], // past U+10FFFF
    [bytes(0xff), undefined],
    [bytes(0xc3), undefined], // ends inside a sequence
    [bytes(0xc3, 0x41), undefined],
  ];
  for (const [input, want] of table) assert.equal(decodeUtf8(input, 0, input.length), want, `bytes ${[...input].join(' ')}`);
  assert.equal(decodeUtf8(bytes(0x78, 0xc3, 0xa9, 0x78), 1, 3), 'é', 'decodes only [from, to)');
  const long = new Uint8Array(20_000).fill(0x61);
  long.set([0xed, 0xa0, 0x80], 10_000);
  assert.equal(decodeUtf8(long, 0, long.length), `${'a'.repeat(10_000)}\ud800${'a'.repeat(9_997)}`, 'a long surrogatepass string in chunks');
});

test('latin1 and py2String: bytes as code points 0-255; Python 2 str as UTF-8 when valid', () => {
  assert.equal(latin1(bytes(0x63, 0x61, 0x66, 0xe9, 0x80), 0, 5), 'caf\xe9\x80', 'not windows-1252: 0x80 stays U+0080');
  assert.equal(latin1(bytes(0x61, 0x62, 0x63), 1, 2), 'b');
  const table: Array<[Uint8Array, string]> = [
    [bytes(0x61), 'a'],
    [bytes(0xc3, 0xa9), 'é'],
    [bytes(0xe9), 'é'],
    [bytes(0xed, 0xa0, 0x80), '\xed\xa0\x80'], // not valid UTF-8 (no surrogatepass here): latin-1
  ];
  for (const [input, want] of table) assert.equal(py2String(input), want);
});

test('escapeDecode and rawUnicodeEscape return a problem, never throw, on a bad escape', () => {
  const ascii = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
  assert.deepEqual(escapeDecode(ascii('a\\x00\\377')), bytes(0x61, 0, 0xff));
  assert.deepEqual(escapeDecode(ascii('\\400')), bytes(0x00), 'octal above 255 wraps as escape_decode does');
  assert.ok(escapeDecode(ascii('\\')) instanceof ArgumentProblem);
  assert.equal(rawUnicodeEscape(ascii('\\u0041\\U00000042')), 'AB');
  assert.ok(rawUnicodeEscape(ascii('\\U0011FFFF')) instanceof ArgumentProblem);
});
