// The few Python globals the unpickler may "call" itself, because each only builds data from its
// arguments and none can run code. Keyed by their Python 3 `module.name` (the unpickler maps
// Python 2's `__builtin__` and `copy_reg` first):
//
//   collections.OrderedDict(pairs?)        -> PyDict('collections.OrderedDict')
//   collections.Counter(mapping?)          -> PyDict('collections.Counter')
//   collections.defaultdict(factory, ...)  -> PyDict('collections.defaultdict'); the factory is never called
//   builtins.dict(mapping or pairs?)       -> PyDict
//   builtins.list(iterable?)               -> array
//   builtins.tuple(iterable?)              -> PyTuple
//   builtins.set / frozenset(iterable?)    -> PySet
//   builtins.bytes(), (bytes), (str, enc)  -> Uint8Array
//   builtins.bytearray(same forms)         -> PyByteArray
//   _codecs.encode(str, encoding)          -> Uint8Array (protocol 2 writes `bytes` this way)
//   builtins.complex(real, imag)           -> PyComplex
//   copyreg._reconstructor(cls, base, state), copyreg.__newobj__(cls, *args)
//                                          -> PyObject of `cls` (protocols 0-1 write instances this way)
//
// Arguments of any other shape give the inert PyObject an unknown global would give: these never
// throw on odd input and never allocate more than their arguments already hold.

import { PyByteArray, PyComplex, PyDict, PyGlobal, PyObject, PySet, PyTuple } from '../values/pyValue';
import type { PyValue, Reconstruction } from '../values/pyValue';

type Build = (args: PyValue[]) => PyValue | undefined;

/** A reconstruction whose `build` returns undefined for arguments it does not understand. */
function inert(qualifiedName: string, build: Build): Reconstruction {
  const dot = qualifiedName.lastIndexOf('.');
  const cls = new PyGlobal(qualifiedName.slice(0, dot), qualifiedName.slice(dot + 1));
  return {
    qualifiedName,
    call: (args) => build(args) ?? new PyObject(cls, args, 'reduce'),
  };
}

/** The items of a list, tuple, set, dict (its keys) or str; undefined for anything else. */
function itemsOf(v: PyValue | undefined): PyValue[] | undefined {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof PyTuple || v instanceof PySet) return v.items.slice();
  if (v instanceof PyDict) return [...v.map.keys()];
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  return undefined;
}

/** Fills `dict` from a mapping or from [key, value] pairs; false when `source` is neither. */
function fillDict(dict: PyDict, source: PyValue | undefined): boolean {
  if (source === undefined) return true;
  if (source instanceof PyDict) {
    for (const [k, v] of source.map) dict.set(k, v);
    return true;
  }
  const pairs = itemsOf(source);
  if (pairs === undefined || typeof source === 'string') return false;
  for (const pair of pairs) {
    const kv = Array.isArray(pair) ? pair : pair instanceof PyTuple ? pair.items : undefined;
    if (kv === undefined || kv.length !== 2) return false;
    dict.set(kv[0], kv[1]);
  }
  return true;
}

function dictOf(className: string, source?: PyValue): PyDict | undefined {
  const dict = new PyDict(className);
  return fillDict(dict, source) ? dict : undefined;
}

const LATIN1 = new Set(['latin1', 'latin-1', 'latin_1', 'iso-8859-1', 'iso8859-1', 'iso_8859_1', 'l1']);
const UTF8 = new Set(['utf-8', 'utf8', 'utf_8']);
const ASCII = new Set(['ascii', 'us-ascii']);

/** `str.encode(encoding)` for the encodings pickles use; undefined when it would fail in Python. */
function encode(text: PyValue | undefined, encoding: PyValue | undefined): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const enc = typeof encoding === 'string' ? encoding.toLowerCase() : encoding === undefined ? 'utf-8' : undefined;
  if (enc === undefined) return undefined;
  if (UTF8.has(enc)) {
    if (/[\ud800-\udfff]/u.test(text)) return undefined; // lone surrogates: Python would refuse
    return new TextEncoder().encode(text);
  }
  const limit = LATIN1.has(enc) ? 0x100 : ASCII.has(enc) ? 0x80 : 0;
  if (limit === 0) return undefined;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= limit) return undefined;
    out[i] = c;
  }
  return out;
}

/** The forms shared by `bytes(...)` and `bytearray(...)`; never `bytes(n)`, which allocates n. */
function bytesOf(args: PyValue[]): Uint8Array | undefined {
  if (args.length === 0) return new Uint8Array(0);
  const [a, enc] = args;
  if (args.length === 1 && a instanceof Uint8Array) return a.slice();
  if (args.length === 1 && a instanceof PyByteArray) return a.bytes.slice();
  if (typeof a === 'string' && args.length === 2) return encode(a, enc);
  const items = Array.isArray(a) || a instanceof PyTuple ? itemsOf(a) : undefined;
  if (args.length === 1 && items && items.every((b) => typeof b === 'bigint' && b >= 0n && b < 256n)) {
    return Uint8Array.from(items, (b) => Number(b));
  }
  return undefined;
}

function toFloat(v: PyValue | undefined): number | undefined {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** `copyreg._reconstructor` and `copyreg.__newobj__`: an instance of a class, as data. */
function instanceOf(cls: PyValue | undefined, args: PyValue[]): PyValue | undefined {
  return cls instanceof PyGlobal ? new PyObject(cls, args, 'newobj') : undefined;
}

const list: Reconstruction[] = [
  inert('collections.OrderedDict', (args) => (args.length <= 1 ? dictOf('collections.OrderedDict', args[0]) : undefined)),
  inert('collections.Counter', (args) => (args.length <= 1 ? dictOf('collections.Counter', args[0]) : undefined)),
  inert('collections.defaultdict', (args) => (args.length <= 2 ? dictOf('collections.defaultdict', args[1]) : undefined)),
  inert('builtins.dict', (args) => (args.length <= 1 ? dictOf('builtins.dict', args[0]) : undefined)),
  inert('builtins.list', (args) => (args.length === 0 ? [] : args.length === 1 ? itemsOf(args[0]) : undefined)),
  inert('builtins.tuple', (args) => {
    const items = args.length === 0 ? [] : args.length === 1 ? itemsOf(args[0]) : undefined;
    return items && new PyTuple(items);
  }),
  inert('builtins.set', (args) => {
    const items = args.length === 0 ? [] : args.length === 1 ? itemsOf(args[0]) : undefined;
    return items && new PySet(items);
  }),
  inert('builtins.frozenset', (args) => {
    const items = args.length === 0 ? [] : args.length === 1 ? itemsOf(args[0]) : undefined;
    return items && new PySet(items, true);
  }),
  inert('builtins.bytes', (args) => bytesOf(args)),
  inert('builtins.bytearray', (args) => {
    const bytes = bytesOf(args);
    return bytes && new PyByteArray(bytes);
  }),
  inert('_codecs.encode', (args) => (args.length <= 2 ? encode(args[0], args[1]) : undefined)),
  inert('builtins.complex', (args) => {
    if (args.length > 2) return undefined;
    const real = toFloat(args[0]);
    const imag = toFloat(args[1]);
    return real === undefined || imag === undefined ? undefined : new PyComplex(real, imag);
  }),
  inert('copyreg._reconstructor', (args) => {
    if (args.length !== 3) return undefined;
    const [cls, , state] = args;
    return instanceOf(cls, state === null ? [] : [state]);
  }),
  inert('copyreg.__newobj__', (args) => instanceOf(args[0], args.slice(1))),
];

/** The inert reconstructions above, by `module.name`. */
export const builtinReconstructions: ReadonlyMap<string, Reconstruction> = new Map(list.map((r) => [r.qualifiedName, r]));
