// What a hostile pickle would run, shown as inert text: Python's repr of the arguments (checked
// against Python itself), calls kept when the pickle throws their result away, long arguments cut,
// repeated calls bounded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkpointVerdict } from '../../src/core/security/checkpointVerdict';
import { callRepr, pyFloatRepr, pyRepr } from '../../src/core/pickle/pyRepr';
import { MAX_CALLS_PER_CALLEE, unpickle } from '../../src/core/pickle/unpickler';
import { PyObject } from '../../src/core/values/pyValue';
import type { PyValue, UnpickleHooks } from '../../src/core/values/pyValue';

const PICKLES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'pickle');
const MARKER = '/tmp/checkpoint-manager-unpickler-marker';
const noHooks: UnpickleHooks = { resolveGlobal: () => undefined };
const bytes = (...parts: Array<string | number>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.from(p, (c) => c.charCodeAt(0)))));
const WIDE = { maxString: 1000, maxItems: 1000, maxDepth: 20 };

for (const protocol of [2, 4]) {
  test(`pyRepr gives what Python's repr() gave for every value (protocol ${protocol})`, () => {
    const values = unpickle(new Uint8Array(readFileSync(join(PICKLES, `reprs_p${protocol}.pkl`))), noHooks).value as PyValue[];
    const reprs = JSON.parse(readFileSync(join(PICKLES, 'reprs.json'), 'utf8')) as string[];
    assert.deepEqual(values.map((v) => pyRepr(v, WIDE)), reprs);
  });
}

test('floats switch to exponent form where Python does', () => {
  assert.deepEqual([1e-4, 9.9e-5, 1e15, 1e16, -2.5, 0].map(pyFloatRepr), ['0.0001', '9.9e-05', '1000000000000000.0', '1e+16', '-2.5', '0.0']);
});

test('a call is printed as Python source, with its keyword arguments and nested calls', () => {
  // NEWOBJ_EX of subprocess.Popen(['ls'], shell=True), built from opcodes.
  const data = bytes(0x80, 4, 0x8c, 10, 'subprocess', 0x8c, 5, 'Popen', 0x93, ']', 0x8c, 2, 'ls', 'a', 0x85, '}', 0x8c, 5, 'shell', 0x88, 's', 0x92, '.');
  const result = unpickle(data, noHooks);
  assert.ok(result.value instanceof PyObject);
  assert.equal(callRepr(result.value), "subprocess.Popen(['ls'], shell=True)");
  assert.deepEqual(checkpointVerdict(result.globals, result.calls).calls, ["subprocess.Popen(['ls'], shell=True)"]);
});

test('a dangerous call whose result is popped is still reported', () => {
  // posix.system('touch …') then POP, then the real object: an empty dict.
  const cmd = `touch ${MARKER}`;
  const data = bytes(0x80, 2, 'cposix\nsystem\n(X', cmd.length, 0, 0, 0, cmd, 'tR0}.');
  const result = unpickle(data, noHooks);
  assert.equal(result.value?.constructor.name, 'PyDict', 'the final object holds nothing of the call');
  const security = checkpointVerdict(result.globals, result.calls);
  assert.deepEqual([security.verdict, security.calls], ['dangerous', [`posix.system('${cmd}')`]]);
  assert.equal(existsSync(MARKER), false);
});

test('the calls that build a callee are shown inside the call they build, once', () => {
  const result = unpickle(new Uint8Array(readFileSync(join(PICKLES, 'evil_getattr_p0.pkl'))), noHooks);
  assert.equal(result.calls.records.length, 3, 'three calls were recorded');
  assert.deepEqual(checkpointVerdict(result.globals, result.calls).calls, [`__builtin__.getattr(__builtin__.__import__('os'), 'system')('touch ${MARKER}')`]);
});

test('only dangerous calls are reported: a suspicious class is named in the verdict, not as a call', () => {
  const data = bytes(0x80, 2, 'c__main__\nConfig\n)R.');
  const result = unpickle(data, noHooks);
  const security = checkpointVerdict(result.globals, result.calls);
  assert.deepEqual([security.verdict, security.calls], ['suspicious', undefined]);
});

test('control characters in arguments are escaped, and long ones are cut with their length', () => {
  const payload = `\x1b[2J${'x'.repeat(500)}`;
  const data = bytes(0x80, 2, 'c__builtin__\nexec\n(X', payload.length & 0xff, payload.length >> 8, 0, 0, payload, 'tR.');
  const result = unpickle(data, noHooks);
  const [text] = checkpointVerdict(result.globals, result.calls).calls ?? [];
  assert.equal(text, `__builtin__.exec('\\x1b[2J${'x'.repeat(196)}'…(504 chars))`);
  assert.equal([...text].some((c) => c.charCodeAt(0) < 0x20), false, 'no control character is printed');
});

test('a call repeated many times is kept a bounded number of times and the rest is counted', () => {
  const one = 'cposix\nsystem\n(Vtrue\ntR0';
  const data = bytes(0x80, 2, one.repeat(MAX_CALLS_PER_CALLEE + 5), 'N.');
  const result = unpickle(data, noHooks);
  assert.equal(result.calls.records.length, MAX_CALLS_PER_CALLEE);
  const security = checkpointVerdict(result.globals, result.calls);
  assert.equal(security.calls?.length, MAX_CALLS_PER_CALLEE);
  assert.equal(security.callsOmitted, 5);
});
