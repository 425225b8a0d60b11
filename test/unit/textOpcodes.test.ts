// The protocol-0 text arguments, each parser against a table of what the text says and what the
// unpickler must make of it (as Python's pickle reads it), the edge cases included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentProblem } from '../../src/core/pickle/argumentProblem';
import { floatArgument, intArgument, longArgument, MAX_LONG_BYTES, memoIndexArgument, stringArgument, unicodeArgument } from '../../src/core/pickle/textOpcodes';

/** A problem as `corrupt: detail` or `limit: detail`, so a table can hold values and problems alike. */
function shown(v: unknown): unknown {
  return v instanceof ArgumentProblem ? `${v.overLimit ? 'limit' : 'corrupt'}: ${v.detail}` : v;
}

function checkTable<I>(parse: (input: I) => unknown, table: ReadonlyArray<readonly [I, unknown]>): void {
  for (const [input, want] of table) assert.deepEqual(shown(parse(input)), want, `input ${JSON.stringify(input)}`);
}

/** Latin-1 text to the bytes of a line (protocol 0 writes STRING and UNICODE arguments so). */
const line = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

test('INT: booleans as 01/00, then what int(text, 0) accepts', () => {
  checkTable(intArgument, [
    ['01', true],
    ['00', false],
    ['0', 0n],
    ['1', 1n],
    ['-5', -5n],
    ['+7', 7n],
    [' 42 ', 42n],
    ['007', 7n],
    ['0x1f', 31n],
    ['0XFF', 255n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['1_000', 1000n],
    ['-0x10', -16n],
    ['123456789012345678901234567890', 123456789012345678901234567890n],
    ['abc', 'corrupt: "abc" is not an integer'],
    ['', 'corrupt: "" is not an integer'],
    ['0x', 'corrupt: "0x" is not an integer'],
    ['1.5', 'corrupt: "1.5" is not an integer'],
    ['--1', 'corrupt: "--1" is not an integer'],
    ['9'.repeat(10_001), 'limit: an integer of 10001 digits'],
    [`0x${'f'.repeat(2 * MAX_LONG_BYTES + 1)}`, `limit: an integer of ${2 * MAX_LONG_BYTES + 3} digits`],
  ]);
  assert.equal(intArgument('9'.repeat(10_000)), 10n ** 10_000n - 1n, 'ten thousand digits are still read');
});

test('LONG: the trailing L of Python 2 is dropped', () => {
  checkTable(longArgument, [
    ['123L', 123n],
    ['-9L', -9n],
    ['123', 123n],
    ['0L', 0n],
    ['18446744073709551616L', 18446744073709551616n],
    ['01', 1n], // not a boolean: only INT writes those
    ['L', 'corrupt: "" is not an integer'],
    ['12LL', 'corrupt: "12L" is not an integer'],
  ]);
});

test('FLOAT: what float(text) accepts, nan and infinities included', () => {
  checkTable(floatArgument, [
    ['1.5', 1.5],
    ['0.1', 0.1],
    ['-2', -2],
    ['1e10', 1e10],
    ['1E-5', 1e-5],
    ['.5', 0.5],
    ['5.', 5],
    [' 2.5 ', 2.5],
    ['1_000.5', 1000.5],
    ['nan', NaN],
    ['NaN', NaN],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+Infinity', Infinity],
    ['abc', 'corrupt: "abc" is not a float'],
    ['1.2.3', 'corrupt: "1.2.3" is not a float'],
    ['', 'corrupt: "" is not a float'],
    ['0x10', 'corrupt: "0x10" is not a float'],
    ['1__0', 'corrupt: "1__0" is not a float'],
  ]);
  assert.ok(Object.is(floatArgument('-0.0'), -0), '-0.0 keeps its sign');
});

test('PUT and GET: a decimal memo index of at most 15 digits', () => {
  checkTable(memoIndexArgument, [
    ['0', 0],
    ['12', 12],
    [' 3 ', 3],
    ['999999999999999', 999999999999999],
    ['1234567890123456', 'corrupt: "1234567890123456" is not a memo index'],
    ['-1', 'corrupt: "-1" is not a memo index'],
    ['a', 'corrupt: "a" is not a memo index'],
    ['', 'corrupt: "" is not a memo index'],
  ]);
});

test('STRING: a quoted literal with escape_decode escapes, then UTF-8 or else latin-1', () => {
  checkTable((s: string) => stringArgument(line(s)), [
    ["'abc'", 'abc'],
    ['"abc"', 'abc'],
    ["''", ''],
    ["'a\\nb\\tc'", 'a\nb\tc'],
    ["'\\a\\b\\f\\r\\v'", '\x07\b\f\r\v'],
    ["'it\\'s'", "it's"],
    ["'\\\\'", '\\'],
    ["'\\x41'", 'A'],
    ["'\\101\\0'", 'A\0'],
    ["'\\q'", '\\q'],
    ["'a\\\nb'", 'ab'],
    ["'\\xc3\\xa9'", 'é'],
    ["'\\xe9'", 'é'],
    ['abc', 'corrupt: the argument must be quoted'],
    ["'abc\"", 'corrupt: the argument must be quoted'],
    ["'", 'corrupt: the argument must be quoted'],
    ['', 'corrupt: the argument must be quoted'],
    ["'\\'", 'corrupt: a trailing \\ in the string'],
    ["'\\x4'", 'corrupt: an invalid \\x escape in the string'],
    ["'\\xzz'", 'corrupt: an invalid \\x escape in the string'],
  ]);
});

test('UNICODE: raw-unicode-escape, where only \\u and \\U after an odd run of backslashes escape', () => {
  checkTable((s: string) => unicodeArgument(line(s)), [
    ['abc', 'abc'],
    ['', ''],
    ['caf\xe9', 'café'],
    ['\\u00e9', 'é'],
    ['x\\u00E9y', 'xéy'],
    ['\\U0001F600', '😀'],
    ['\\\\u0041', '\\\\u0041'],
    ['\\\\\\u0041', '\\\\A'],
    ['a\\nb', 'a\\nb'],
    ['end\\', 'end\\'],
    ['\\u00', 'corrupt: a truncated \\u escape'],
    ['\\uZZZZ', 'corrupt: a truncated \\u escape'],
    ['\\U00110000', 'corrupt: a \\U escape out of range'],
  ]);
});
