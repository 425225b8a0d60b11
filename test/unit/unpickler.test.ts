import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, CorruptError, UnsupportedError, UnsupportedProtocolError } from '../../src/core/errors';
import { builtinReconstructions } from '../../src/core/pickle/builtinReconstructions';
import { python3QualifiedName } from '../../src/core/pickle/python2Names';
import { PickleTruncatedError, unpickle } from '../../src/core/pickle/unpickler';
import { PyByteArray, PyComplex, PyDict, PyGlobal, PyObject, PyOpaque, PySet, PyTuple } from '../../src/core/values/pyValue';
import type { PyValue, Reconstruction, UnpickleHooks } from '../../src/core/values/pyValue';

// Fixtures are written by test/fixtures/pickle/make_pickles.py (Python 3, no torch).
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'pickle');
const MARKER = '/tmp/checkpoint-manager-unpickler-marker';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const expected = (name: string): unknown => normalizeExpected(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));
const noHooks: UnpickleHooks = { resolveGlobal: () => undefined };

/** A float as a token that keeps NaN, the infinities and -0 apart. */
const floatToken = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
const pyFloat = (repr: string): number => (repr === 'nan' ? NaN : repr === 'inf' ? Infinity : repr === '-inf' ? -Infinity : Number(repr));

/** The generator's typed JSON with floats turned into tokens (Python's repr differs from JS's). */
function normalizeExpected(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeExpected);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.float === 'string') return { float: floatToken(pyFloat(o.float)) };
  if (Array.isArray(o.complex)) return { complex: (o.complex as string[]).map((r) => floatToken(pyFloat(r))) };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, normalizeExpected(x)]));
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A PyValue in the generator's typed JSON. */
function toTyped(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: floatToken(v) };
  if (v instanceof Uint8Array) return { bytes: hex(v) };
  if (v instanceof PyByteArray) return { bytearray: hex(v.bytes) };
  if (Array.isArray(v)) return v.map(toTyped);
  if (v instanceof PyTuple) return { tuple: v.items.map(toTyped) };
  if (v instanceof PyDict) return { dict: [...v.entries()].map(([k, x]) => [toTyped(k), toTyped(x)]), class: v.className };
  if (v instanceof PySet) return { [v.frozen ? 'frozenset' : 'set']: v.items.map(toTyped) };
  if (v instanceof PyComplex) return { complex: [floatToken(v.real), floatToken(v.imag)] };
  throw new Error(`unexpected value ${String(v)}`);
}

/** Bytes from opcodes and latin-1 text, to write small pickles by hand. */
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

function dictOf(v: PyValue): PyDict {
  assert.ok(v instanceof PyDict, 'expected a dict');
  return v;
}

// --- Whole values, every protocol

for (let protocol = 0; protocol <= 5; protocol++) {
  test(`protocol ${protocol}: the tricky object comes back whole, types kept apart`, () => {
    const data = fixture(`tricky_p${protocol}.pkl`);
    const result = unpickle(data, noHooks);
    assert.deepEqual(toTyped(result.value), expected('tricky.json'));
    assert.equal(result.end, data.length);
    const root = dictOf(result.value);
    // The sub-object referenced twice is one JS object, as it was one Python object.
    assert.ok(Array.isArray(root.get('shared1')));
    assert.equal(root.get('shared1'), root.get('shared2'));
    // Keys that are special in JS objects are only keys here.
    const keys = dictOf(root.get('keys') ?? null);
    assert.equal(keys.get('__proto__'), 'proto');
    assert.equal(keys.get('constructor'), 'ctor');
    assert.equal(keys.get(null), 'none');
    assert.equal(keys.get(1n), 'int');
  });
}

test('150 random values (nested containers, big ints, odd floats, surrogates) match Python in every protocol', () => {
  const want = expected('random.json');
  for (let protocol = 0; protocol <= 5; protocol++) {
    assert.deepEqual(toTyped(unpickle(fixture(`random_p${protocol}.pkl`), noHooks).value), want, `protocol ${protocol}`);
  }
});

test('the globals a protocol 2 pickle names are listed once each, in first-seen order, as written', () => {
  const { globals } = unpickle(fixture('tricky_p2.pkl'), noHooks);
  assert.deepEqual(globals, [
    '_codecs.encode',
    '__builtin__.bytes',
    '__builtin__.bytearray',
    'collections.OrderedDict',
    'collections.Counter',
    'collections.defaultdict',
    '__builtin__.list',
    '__builtin__.set',
    '__builtin__.frozenset',
    '__builtin__.complex',
  ]);
});

test('protocol 4 STACK_GLOBAL names are recorded too', () => {
  const { globals } = unpickle(fixture('tricky_p4.pkl'), noHooks);
  assert.deepEqual(new Set(globals), new Set(['builtins.bytearray', 'collections.OrderedDict', 'collections.Counter', 'collections.defaultdict', 'builtins.list', 'builtins.complex']));
});

test('long lists and dicts, written in batches of 1000, come back whole and in order', () => {
  for (const protocol of [0, 2]) {
    const root = dictOf(unpickle(fixture(`batches_p${protocol}.pkl`), noHooks).value);
    assert.deepEqual(root.get('list'), Array.from({ length: 1001 }, (_, i) => BigInt(i)));
    const dict = dictOf(root.get('dict') ?? null);
    assert.deepEqual([...dict.entries()], Array.from({ length: 1001 }, (_, i) => [BigInt(i), BigInt(-i)]));
  }
});

test('a list that contains itself is one object', () => {
  const { value } = unpickle(fixture('cycle_p2.pkl'), noHooks);
  assert.ok(Array.isArray(value));
  assert.equal(value.length, 1);
  assert.equal(value[0], value);
});

test('Python 2 strings: UTF-8 when valid, latin-1 otherwise, with escapes, longs and booleans', () => {
  for (const name of ['py2_p0', 'py2_p2']) {
    const { value } = unpickle(fixture(`${name}.pkl`), noHooks);
    assert.deepEqual(toTyped(value), expected(`${name}.json`), name);
  }
  assert.deepEqual(unpickle(fixture('py2_p0.pkl'), noHooks).globals, ['__builtin__.set']);
});

test('python3QualifiedName gives a recorded Python 2 global its Python 3 name', () => {
  assert.deepEqual(
    ['__builtin__.set', '__builtin__.unicode', 'copy_reg._reconstructor', 'commands.Popen', 'posix.system', 'torch._utils._rebuild_tensor_v2', 'x'].map(python3QualifiedName),
    ['builtins.set', 'builtins.str', 'copyreg._reconstructor', 'subprocess.Popen', 'posix.system', 'torch._utils._rebuild_tensor_v2', 'x'],
  );
});

// --- Nothing is ever run

const evil: Array<[string, string, PyValue[]]> = [
  ['evil_system_p0.pkl', 'posix.system', [`touch ${MARKER}`]],
  ['evil_system_p2.pkl', 'posix.system', [`touch ${MARKER}`]],
  ['evil_system_p4.pkl', 'posix.system', [`touch ${MARKER}`]],
  ['evil_eval_p2.pkl', '__builtin__.eval', [`__import__('os').system('touch ${MARKER}')`]],
  ['evil_popen_p4.pkl', 'subprocess.Popen', [['touch', MARKER]]],
  // Python 3 writes subprocess as Python 2's `commands` below protocol 3; resolution maps it back.
  ['evil_popen_p2.pkl', 'commands.Popen', [['touch', MARKER]]],
];

for (const [name, global, args] of evil) {
  test(`${name}: the call to ${global} is recorded as data and never made`, () => {
    rmSync(MARKER, { force: true });
    const asked: string[] = [];
    const result = unpickle(fixture(name), { resolveGlobal: (m, n) => void asked.push(`${m}.${n}`) });
    assert.ok(result.value instanceof PyObject);
    assert.equal(result.value.cls.qualifiedName, global);
    assert.deepEqual(result.value.args, args);
    assert.equal(result.value.kind, 'reduce');
    assert.deepEqual(result.globals, [global]);
    // The hook is asked with Python 3 names; the record keeps what the pickle said.
    assert.deepEqual(asked, [global.replace('__builtin__.', 'builtins.').replace('commands.', 'subprocess.')]);
    assert.equal(existsSync(MARKER), false);
  });
}

test('getattr(__import__("os"), "system")(...) is a chain of recorded calls', () => {
  rmSync(MARKER, { force: true });
  const result = unpickle(fixture('evil_getattr_p0.pkl'), noHooks);
  assert.deepEqual(result.globals, ['__builtin__.getattr', '__builtin__.__import__']);
  const outer = result.value;
  assert.ok(outer instanceof PyObject);
  assert.equal(outer.cls.qualifiedName, '<dynamic>.call');
  assert.deepEqual(outer.args, [`touch ${MARKER}`]);
  const getattr = outer.callee;
  assert.ok(getattr instanceof PyObject);
  assert.equal(getattr.cls.qualifiedName, '__builtin__.getattr');
  const imp = getattr.args[0];
  assert.ok(imp instanceof PyObject);
  assert.equal(imp.cls.qualifiedName, '__builtin__.__import__');
  assert.deepEqual(imp.args, ['os']);
  assert.equal(getattr.args[1], 'system');
  assert.equal(existsSync(MARKER), false);
});

// --- Hooks

test('persistent ids go to the hook: BINPERSID with any value, PERSID with text', () => {
  const seen: PyValue[] = [];
  const hooks: UnpickleHooks = {
    resolveGlobal: () => undefined,
    persistentLoad: (pid) => {
      seen.push(pid);
      return new PyOpaque('storage', seen.length);
    },
  };
  const p2 = dictOf(unpickle(fixture('persid_p2.pkl'), hooks).value);
  assert.deepEqual(seen, [new PyTuple(['storage', '0', 12n]), new PyTuple(['storage', '1', 12n]), new PyTuple(['storage', '0', 12n])]);
  assert.deepEqual(p2.get('w'), new PyOpaque('storage', 1));
  assert.deepEqual(p2.get('b'), [new PyOpaque('storage', 2), new PyOpaque('storage', 3)]);
  seen.length = 0;
  unpickle(fixture('persid_p0.pkl'), hooks);
  assert.deepEqual(seen, ['storage-0', 'storage-1', 'storage-0']);
  assert.throws(() => unpickle(fixture('persid_p2.pkl'), noHooks), (e) => e instanceof CorruptError && /BINPERSID at offset \d+/.test(e.message));
});

test('resolveGlobal comes before the builtin table, and its reconstruction is called with the arguments', () => {
  const calls: PyValue[][] = [];
  const rebuild: Reconstruction = {
    qualifiedName: 'collections.OrderedDict',
    call: (args) => {
      calls.push(args);
      return new PyOpaque('mine', args.length);
    },
  };
  const data = pkl(0x80, 2, 'ccollections\nOrderedDict\n', ')', 'R', '.');
  const { value } = unpickle(data, { resolveGlobal: (m, n) => (m === 'collections' && n === 'OrderedDict' ? rebuild : undefined) });
  assert.deepEqual(value, new PyOpaque('mine', 0));
  assert.deepEqual(calls, [[]]);
  // Without the hook, the builtin table makes the OrderedDict.
  assert.deepEqual(unpickle(data, noHooks).value, new PyDict('collections.OrderedDict'));
});

test('BUILD goes to the reconstruction that made the value, else to a PyObject or PyDict state', () => {
  const builds: Array<[PyValue, PyValue]> = [];
  const made = new PyOpaque('thing', 1);
  const rec: Reconstruction = {
    qualifiedName: 'm.Thing',
    call: () => made,
    build: (target, state) => {
      builds.push([target, state]);
      return new PyOpaque('built', state);
    },
  };
  const hooks: UnpickleHooks = { resolveGlobal: (m) => (m === 'm' ? rec : undefined) };
  const built = unpickle(pkl('cm\nThing\n)RK\x07b.'), hooks).value;
  assert.deepEqual(builds, [[made, 7n]]);
  assert.deepEqual(built, new PyOpaque('built', 7n));

  const obj = unpickle(pkl('cother\nThing\n)RK\x07b.'), hooks).value;
  assert.ok(obj instanceof PyObject);
  assert.equal(obj.state, 7n);
  // An OrderedDict's __dict__ (a state dict's _metadata) lands in PyDict.state.
  const od = unpickle(pkl('ccollections\nOrderedDict\n)R}U\x09_metadataK\x01sb.'), noHooks).value;
  assert.ok(od instanceof PyDict);
  assert.deepEqual(od.state, (() => { const d = new PyDict(); d.set('_metadata', 1n); return d; })());
});

test('NEWOBJ, NEWOBJ_EX, INST and OBJ make inert objects; APPENDS and SETITEMS on them are kept', () => {
  const newobj = unpickle(pkl(0x80, 2, 'cm\nC\n', 'K\x01', 0x85, 0x81, '}', 'b', '.'), noHooks).value;
  assert.ok(newobj instanceof PyObject);
  assert.equal(newobj.kind, 'newobj');
  assert.deepEqual(newobj.args, [1n]);
  assert.deepEqual(newobj.state, new PyDict());

  const withItems = unpickle(pkl(0x80, 2, 'cm\nC\n)R', '(K\x01K\x02e', 'K\x03a', '(U\x01kK\x04u', 'U\x01jK\x05s', '.'), noHooks).value;
  assert.ok(withItems instanceof PyObject);
  assert.deepEqual(withItems.listItems, [1n, 2n, 3n]);
  assert.deepEqual(withItems.dictItems, [['k', 4n], ['j', 5n]]);

  const ex = unpickle(pkl(0x80, 4, 'cm\nC\n', 'K\x01', 0x85, '}U\x01kK\x02s', 0x92, '.'), noHooks).value;
  assert.ok(ex instanceof PyObject);
  assert.deepEqual(ex.args, [1n]);
  assert.deepEqual(ex.kwargs?.get('k'), 2n);

  const inst = unpickle(pkl('(I1\nS\'a\'\nim\nC\n.'), noHooks);
  assert.ok(inst.value instanceof PyObject);
  assert.equal(inst.value.cls.qualifiedName, 'm.C');
  assert.deepEqual(inst.value.args, [1n, 'a']);
  assert.deepEqual(inst.globals, ['m.C']);

  const obj = unpickle(pkl('(cm\nC\nI1\no.'), noHooks).value;
  assert.ok(obj instanceof PyObject);
  assert.deepEqual(obj.args, [1n]);
});

test('copyreg._reconstructor (protocols 0 and 1) becomes an object of the class', () => {
  const data = pkl("ccopy_reg\n_reconstructor\n(cmain\nPoint\nc__builtin__\nobject\nNtR(dS'x'\nI1\nsb.");
  const result = unpickle(data, noHooks);
  assert.ok(result.value instanceof PyObject);
  assert.equal(result.value.cls.qualifiedName, 'main.Point');
  assert.deepEqual(result.value.args, []);
  assert.deepEqual(toTyped(result.value.state ?? null), { dict: [['x', { int: '1' }]], class: 'builtins.dict' });
  assert.deepEqual(result.globals, ['copy_reg._reconstructor', 'main.Point', '__builtin__.object']);
});

test('EXT codes are placeholders named copyreg.extension.<code>', () => {
  const { value, globals } = unpickle(pkl(0x80, 2, 0x82, 5, 0x83, 0x00, 0x01, 0x84, u32(70000), 0x87, '.'), noHooks);
  assert.deepEqual(value, new PyTuple([new PyGlobal('copyreg', 'extension.5'), new PyGlobal('copyreg', 'extension.256'), new PyGlobal('copyreg', 'extension.70000')]));
  assert.deepEqual(globals, ['copyreg.extension.5', 'copyreg.extension.256', 'copyreg.extension.70000']);
  assert.throws(() => unpickle(pkl(0x80, 2, 0x82, 0, '.'), noHooks), CorruptError);
});

// --- Opcodes one by one

test('protocol 0 text forms: booleans, ints, longs, floats, strings, unicode, memo', () => {
  const v = unpickle(
    pkl('(I01\nI00\nI-12\nI0x1f\nL-123456789012345678901234567890L\nL5\nF1.5\nFnan\nF-inf\nF1e300\n', "S'a\\'b\\x41\\101\\n'\n", 'S"q"\n', 'V\\u20ac\\U0001f389\\\\u\xe9\n', 'p7\n0g7\nt.'),
    noHooks,
  ).value;
  assert.deepEqual(toTyped(v), {
    tuple: [true, false, { int: '-12' }, { int: '31' }, { int: '-123456789012345678901234567890' }, { int: '5' }, { float: '1.5' }, { float: 'NaN' }, { float: '-Infinity' }, { float: '1e+300' }, "a'bAA\n", 'q', '€🎉\\\\ué'],
  });
});

test('binary ints: BININT1/2/4, LONG1 and LONG4 in two\'s complement, of any size', () => {
  const long1 = (n: bigint, len: number): Uint8Array => {
    const out = new Uint8Array(len);
    let x = BigInt.asUintN(len * 8, n);
    for (let i = 0; i < len; i++, x >>= 8n) out[i] = Number(x & 0xffn);
    return out;
  };
  const big = -(2n ** 1000n) + 12345n;
  const v = unpickle(
    pkl(0x80, 2, '(', 'K\xff', 'M\xff\xff', 'J\xff\xff\xff\xff', 0x8a, 0, 0x8a, 1, 0xff, 0x8a, 2, 0x00, 0x80, 0x8a, 3, 0x00, 0x80, 0x00, 0x8a, 9, long1(-(2n ** 70n), 9), 0x8b, u32(126), long1(big, 126), 't.'),
    noHooks,
  ).value;
  assert.deepEqual(v, new PyTuple([255n, 65535n, -1n, 0n, -1n, -32768n, 32768n, -(2n ** 70n), big]));
});

test('BINUNICODE keeps lone surrogates (Python writes them with surrogatepass)', () => {
  const v = unpickle(pkl(0x80, 4, 0x8c, 3, 0xed, 0xa0, 0x80, '.'), noHooks).value;
  assert.equal(v, '\ud800');
  assert.throws(() => unpickle(pkl(0x80, 4, 0x8c, 2, 0xff, 0xfe, '.'), noHooks), CorruptError);
});

test('str fast path: ASCII of any length in one slice; any byte over 0x7f goes through the UTF-8 decoder', () => {
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  const names = ['h.0.attn.c_attn.weight', '', '\x7f\x00~', 'caf\u00e9', 'x'.repeat(300) + '\u00e9', '\u00e9' + 'y'.repeat(300), 'w\u20ac\ud83c\udf89', 'z'.repeat(70_000)];
  const parts: Array<number | Uint8Array> = [0x80, 4, 0x95, ...new Array<number>(8).fill(0), '('.charCodeAt(0)];
  for (const name of names) {
    const bytes = utf8(name);
    if (bytes.length < 256) parts.push(0x8c, bytes.length, bytes);
    else parts.push(0x58, u32(bytes.length), bytes);
  }
  const v = unpickle(pkl(...parts, 't.'), noHooks).value;
  assert.deepEqual(v, new PyTuple(names));
  // Latin-1 bytes that are not UTF-8 stay an error, not text.
  assert.throws(() => unpickle(pkl(0x80, 4, 0x8c, 4, 'caf\xe9', '.'), noHooks), CorruptError);
});

test('shared small ints: each value read the same way twice is equal, past the cache, negative and at its edges', () => {
  const ints = [0, 1, 255, 256, 300, 300, 65535, 65535, 65536, 2 ** 31 - 1, -1, -65536, -(2 ** 31)];
  const parts: Array<number | Uint8Array> = [0x80, 2, '('.charCodeAt(0)];
  for (const n of ints) {
    if (n >= 0 && n < 65536) parts.push(0x4d, n & 0xff, n >> 8); // BININT2
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    parts.push(0x4a, b); // BININT
    parts.push(0x8a, 6, ...Array.from({ length: 6 }, (_, i) => Number((BigInt.asUintN(48, BigInt(n)) >> BigInt(8 * i)) & 0xffn))); // LONG1, 6 bytes
  }
  const v = unpickle(pkl(...parts, 't.'), noHooks).value as PyTuple;
  const want = ints.flatMap((n) => (n >= 0 && n < 65536 ? [BigInt(n), BigInt(n), BigInt(n)] : [BigInt(n), BigInt(n)]));
  assert.deepEqual(v.items, want);
});

test('memo entries never read back are not kept, and every kind of read still finds its value', () => {
  // Protocol 4 MEMOIZE, BINPUT/BINGET, LONG_BINPUT/LONG_BINGET past 255, text PUT/GET: each value
  // read back is the one stored, whatever was left unkept around it.
  const parts: Array<number | string | Uint8Array> = [0x80, 4, '('];
  for (let i = 0; i < 300; i++) parts.push(0x8c, 1, 'a', 0x94); // 300 memoized strings, indices 0-299
  parts.push(']', 0x94, 0x8c, 2, 'zz', 'r', u32(4000), 'X', u32(3), 'txt', 'p9000\n');
  parts.push('h', 5, 'j', u32(299), 'j', u32(300), 'j', u32(4000), 'g9000\n', 't.');
  const v = unpickle(pkl(...parts), noHooks).value as PyTuple;
  assert.equal(v.items.length, 300 + 3 + 5);
  assert.deepEqual(v.items.slice(-5), ['a', 'a', [], 'zz', 'txt']);
  // The list read back through the memo is the very object on the stack before it.
  assert.equal(v.items[300 + 3 + 2], v.items[300]);
});

test('POP, POP_MARK, DUP and MARK behave as in CPython', () => {
  assert.deepEqual(unpickle(pkl('K\x01K\x020.'), noHooks).value, 1n);
  assert.deepEqual(unpickle(pkl('K\x01(K\x02K\x031.'), noHooks).value, 1n);
  // POP with nothing above the mark pops the mark.
  assert.deepEqual(unpickle(pkl('K\x01(0.'), noHooks).value, 1n);
  const dup = unpickle(pkl(']2\x86.'), noHooks).value;
  assert.ok(dup instanceof PyTuple);
  assert.equal(dup.items[0], dup.items[1]);
});

test('offset reads the second of two pickles in one stream, and end is past its STOP', () => {
  const data = pkl(0x80, 2, 'K\x01.', 0x80, 2, 'K\x02.');
  const first = unpickle(data, noHooks);
  const calls = { records: [], omitted: new Map() };
  assert.deepEqual(first, { value: 1n, end: 5, globals: [], calls });
  assert.deepEqual(unpickle(data, noHooks, { offset: first.end }), { value: 2n, end: 10, globals: [], calls });
});

// --- Errors

function assertCorrupt(data: Uint8Array, pattern: RegExp): void {
  assert.throws(() => unpickle(data, noHooks), (e: unknown) => e instanceof CorruptError && pattern.test(e.message));
}

test('malformed pickles give CorruptError naming the opcode and its offset', () => {
  assertCorrupt(pkl(0x80, 2, 0xff), /the byte 0xff at offset 2 of the pickle is not an opcode/);
  assertCorrupt(pkl(0x80, 2, 'a.'), /APPEND at offset 2: the stack is empty/);
  assertCorrupt(pkl(0x80, 2, ']K\x01e.'), /APPENDS at offset 5: there is no MARK/);
  assertCorrupt(pkl(0x80, 2, 'h\x03.'), /BINGET at offset 2: memo entry 3 was never stored/);
  assertCorrupt(pkl('Iabc\n.'), /INT at offset 0: "abc" is not an integer/);
  assertCorrupt(pkl('F1.2.3\n.'), /FLOAT at offset 0/);
  assertCorrupt(pkl("Sabc\n."), /STRING at offset 0: the argument must be quoted/);
  assertCorrupt(pkl('V\\u12\n.'), /UNICODE at offset 0: a truncated \\u escape/);
  assertCorrupt(pkl(0x80, 2, 'K\x01K\x02R.'), /REDUCE at offset 6: the arguments are a bigint, not a tuple/);
  assertCorrupt(pkl(0x80, 2, '}K\x01a.'), /APPEND at offset 5: cannot append to a PyDict/);
  assertCorrupt(pkl(0x80, 2, '}(K\x01u.'), /SETITEMS .*a key has no value/);
  // Items below a MARK cannot be reached from above it.
  assertCorrupt(pkl(0x80, 2, ']((K\x01e.'), /there is no MARK|the stack is empty/);
  assertCorrupt(pkl(0x80, 2, ']((a.'), /APPEND at offset 5: the stack is empty/);
});

test('protocols over 5 and out-of-band buffers are unsupported, not corrupt', () => {
  assert.throws(() => unpickle(pkl(0x80, 6, 'N.'), noHooks), (e) => e instanceof UnsupportedProtocolError && /protocol 6/.test(e.message));
  assert.throws(() => unpickle(pkl(0x80, 5, 0x97, '.'), noHooks), (e) => e instanceof UnsupportedProtocolError && /NEXT_BUFFER/.test(e.message));
  assert.throws(() => unpickle(pkl(0x80, 5, 0x98, '.'), noHooks), UnsupportedProtocolError);
});

test('limits: LONG4 over 1 MiB and a memo over maxMemo are refused', () => {
  assert.throws(() => unpickle(pkl(0x80, 2, 0x8b, u32((1 << 20) + 1)), noHooks), UnsupportedError);
  assert.throws(() => unpickle(pkl(0x80, 2, 'N', 'q\x00q\x01q\x02', '.'), noHooks, { maxMemo: 2 }), (e) => e instanceof UnsupportedError && /more than 2 memo entries/.test(e.message));
  // Re-using an index does not count twice.
  assert.equal(unpickle(pkl(0x80, 2, 'N', 'q\x00q\x00q\x01', '.'), noHooks, { maxMemo: 2 }).value, null);
});

test('lengths past the data are truncation, checked before anything is allocated', () => {
  const huge = pkl(0x80, 4, 0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 'abc');
  assert.throws(() => unpickle(huge, noHooks), (e) => e instanceof PickleTruncatedError && e.atLeast > 2 ** 50);
  assert.throws(() => unpickle(pkl(0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x80, '.'), noHooks), CorruptError);
  assert.throws(() => unpickle(pkl(0x80, 2, 'X', u32(0xffffffff), 'ab'), noHooks), PickleTruncatedError);
});

test('every prefix of a pickle is PickleTruncatedError, never another error', () => {
  const pidHooks: UnpickleHooks = { resolveGlobal: () => undefined, persistentLoad: (pid) => pid };
  for (const name of ['tricky_p0.pkl', 'tricky_p1.pkl', 'tricky_p2.pkl', 'tricky_p3.pkl', 'tricky_p4.pkl', 'tricky_p5.pkl', 'py2_p0.pkl', 'py2_p2.pkl', 'persid_p0.pkl']) {
    const data = fixture(name);
    for (let n = 0; n < data.length; n++) {
      try {
        unpickle(data.subarray(0, n), pidHooks);
        assert.fail(`${name}: the prefix of ${n} bytes unpickled`);
      } catch (e) {
        assert.ok(e instanceof PickleTruncatedError, `${name}: prefix ${n}: ${String(e)}`);
        assert.equal(e.code, 'truncated');
      }
    }
  }
});

test('fuzz: thousands of mutated pickles and random garbage give values or CheckpointErrors, nothing else', { timeout: 120_000 }, () => {
  let seed = 0x2545f491;
  const rand = (n: number): number => {
    // xorshift32: fixed seed, so a failure reproduces.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const sources = ['tricky_p0.pkl', 'tricky_p1.pkl', 'tricky_p2.pkl', 'tricky_p4.pkl', 'tricky_p5.pkl', 'py2_p0.pkl', 'py2_p2.pkl', 'evil_getattr_p0.pkl', 'persid_p2.pkl'].map(fixture);
  const hooks: UnpickleHooks = { resolveGlobal: () => undefined, persistentLoad: (pid) => new PyOpaque('pid', pid) };
  let errors = 0;
  for (let i = 0; i < 4000; i++) {
    const src = sources[rand(sources.length)];
    const bytes = Array.from(src);
    const edits = 1 + rand(4);
    for (let k = 0; k < edits; k++) {
      const at = rand(bytes.length);
      switch (rand(4)) {
        case 0: bytes[at] = rand(256); break;
        case 1: bytes.splice(at, 0, rand(256)); break;
        case 2: bytes.splice(at, 1 + rand(8)); break;
        default: bytes[at] = [0x28, 0x2e, 0x30, 0x31, 0x32, 0x52, 0x62, 0x65, 0x75, 0x81, 0x93, 0x94, 0x95, 0x8b][rand(14)];
      }
    }
    try {
      unpickle(Uint8Array.from(bytes), i % 2 ? hooks : noHooks);
    } catch (e) {
      errors++;
      if (!(e instanceof CheckpointError)) assert.fail(`mutant ${i}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  // Pure garbage, with and without a protocol header.
  for (let i = 0; i < 1000; i++) {
    const garbage = Array.from({ length: 1 + rand(200) }, () => rand(256));
    if (i % 2) garbage.unshift(0x80, rand(6));
    try {
      unpickle(Uint8Array.from(garbage), i % 4 === 1 ? hooks : noHooks);
    } catch (e) {
      errors++;
      if (!(e instanceof CheckpointError)) assert.fail(`garbage ${i}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  assert.ok(errors > 1500, `only ${errors} inputs failed: the mutations are too gentle to test anything`);
});

// --- Hostile shapes

test('a million nested lists do not recurse, and a million APPENDS items unpickle', { timeout: 60_000 }, () => {
  const depth = 1_000_000;
  const nested = new Uint8Array(depth * 2 + 1);
  nested.fill(0x5d, 0, depth); // EMPTY_LIST
  nested.fill(0x61, depth, 2 * depth - 1); // APPEND
  nested[2 * depth - 1] = 0x2e;
  let v = unpickle(nested.subarray(0, 2 * depth), noHooks).value;
  for (let i = 1; i < depth; i++) {
    assert.ok(Array.isArray(v) && v.length === 1);
    v = v[0];
  }
  assert.deepEqual(v, []);

  const n = 1_000_000;
  const flat = new Uint8Array(n * 2 + 4);
  flat[0] = 0x5d;
  flat[1] = 0x28;
  for (let i = 0; i < n; i++) flat.set([0x4b, i & 0xff], 2 + 2 * i);
  flat[2 + 2 * n] = 0x65;
  flat[3 + 2 * n] = 0x2e;
  const list = unpickle(flat, noHooks).value;
  assert.ok(Array.isArray(list) && list.length === n);
  assert.equal(list[n - 1], BigInt((n - 1) & 0xff));
});

test('builtin reconstructions never throw on odd arguments and never allocate from a count', () => {
  const odd: PyValue[][] = [[], [null], [1n], [10n ** 12n], ['x', 'nope'], [new PyDict(), 1n, 2n], [[1n, 2n]], ['\ud800', 'utf-8']];
  for (const [name, rec] of builtinReconstructions) {
    for (const args of odd) assert.doesNotThrow(() => rec.call(args), name);
  }
  const bytearray = builtinReconstructions.get('builtins.bytearray');
  assert.ok(bytearray);
  const refused = bytearray.call([10n ** 12n]);
  assert.ok(refused instanceof PyObject && refused.cls.qualifiedName === 'builtins.bytearray');
  assert.deepEqual(builtinReconstructions.get('_codecs.encode')?.call(['a\xff', 'latin1']), Uint8Array.of(0x61, 0xff));
});

// --- Speed

/** A protocol 2 data.pkl as torch writes it: an OrderedDict of `_rebuild_tensor_v2` calls on persistent ids. */
function torchLikeStateDict(entries: number, padding: number): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [pkl(0x80, 2, 'ccollections\nOrderedDict\nq\x00)Rq\x01', 'ctorch._utils\n_rebuild_tensor_v2\nq\x02', 'ctorch\nFloatStorage\nq\x03', '0')];
  const str = (s: string): Uint8Array => {
    const b = enc.encode(s);
    return pkl('X', u32(b.length), b);
  };
  for (let i = 0; i < entries; i++) {
    if (i % 1000 === 0) parts.push(pkl('h\x01('));
    parts.push(str(`transformer.h.${i >> 4}.attn.c_attn.weight_${i}`));
    parts.push(pkl('h\x02((', str('storage'), 'h\x03', str(String(i)), str('cuda:0'), 'J', u32(1769472), 't', 'Q', 'K\x00', 'M\x00\x03M\x00\x09', 0x86, 'M\x00\x09K\x01', 0x86, 0x89, 'ccollections\nOrderedDict\n)R', 't', 'R'));
    parts.push(str(`note_${i}`), str('n'.repeat(padding)));
    if (i % 1000 === 999 || i === entries - 1) parts.push(pkl('u'));
  }
  parts.push(pkl('.'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('a 10 MB torch-like state dict of 5,000 tensors unpickles whole', { timeout: 60_000 }, () => {
  const data = torchLikeStateDict(5000, 1900);
  const tensor: Reconstruction = { qualifiedName: 'torch._utils._rebuild_tensor_v2', call: (args) => new PyOpaque('tensor', args) };
  const hooks: UnpickleHooks = {
    resolveGlobal: (m, n) => (m === 'torch._utils' && n === '_rebuild_tensor_v2' ? tensor : undefined),
    persistentLoad: (pid) => new PyOpaque('storage', pid),
  };
  // Speed is measured by bench/inspect.mjs on real torch files, not asserted here.
  const sd = dictOf(unpickle(data, hooks).value);
  assert.equal(sd.size, 10_000);
  assert.ok(sd.get('transformer.h.0.attn.c_attn.weight_0') instanceof PyOpaque);
  assert.equal(sd.get('note_4999'), 'n'.repeat(1900));
});
