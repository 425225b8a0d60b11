// A pickle interpreter for protocols 0 to 5 that never runs code. It builds inert PyValues: globals
// become PyGlobal placeholders unless the hooks or the builtin table supply a data-only
// reconstruction, and calls on anything else are recorded as PyObjects, never made.
//
// Hostile input: the machine is a loop with an explicit stack (no recursion on the input's depth),
// every length is checked against the remaining bytes before anything is allocated, the memo and
// big integers are bounded, and every failure is a typed CheckpointError naming the opcode and its
// offset. Data that ends before STOP gives PickleTruncatedError, so a caller reading a window of a
// file can retry with a bigger one.

import { attachGlobals, CheckpointError, CorruptError, TruncatedError, UnsupportedError, UnsupportedProtocolError } from '../errors';
import { builtinReconstructions } from './builtinReconstructions';
import { HIGHEST_PROTOCOL, opcodeName } from './opcodes';
import { PyByteArray, PyDict, PyGlobal, PyObject, PySet, PyTuple } from './pyValue';
import type { CallLog } from './callLog';
import type { PyValue, Reconstruction, UnpickleHooks, UnpickleResult } from './pyValue';

export { builtinReconstructions } from './builtinReconstructions';

/** The pickle's data ended before its STOP opcode. */
export class PickleTruncatedError extends TruncatedError {
  /** The input would need at least this many bytes (from the start of the array) to go further. */
  readonly atLeast: number;
  constructor(atLeast: number) {
    super('The pickle');
    this.atLeast = atLeast;
  }
}

export interface UnpickleOptions {
  /** Where the pickle starts in the array (several pickles can share a stream). Default 0. */
  offset?: number;
  /** The most memo entries allowed before the pickle is refused. Default 10 million. */
  maxMemo?: number;
}

const DEFAULT_MAX_MEMO = 10_000_000;
/**
 * Recorded calls kept per callee. Real pickles repeat one class thousands of times (numpy arrays);
 * a hostile one needs a call or two. The rest are counted, so a report can say how many it omits.
 */
export const MAX_CALLS_PER_CALLEE = 16;
/** Integers longer than this (LONG4, or text) are refused: no checkpoint needs one, and parsing is slow. */
const MAX_LONG_BYTES = 1 << 20;
/** CPython refuses decimal text over 4300 digits by default; allow more, but stay linear-ish. */
const MAX_DECIMAL_DIGITS = 10_000;

/** The callee of a call whose callable was not a global (e.g. the result of another call). */
const DYNAMIC_CALL = new PyGlobal('<dynamic>', 'call');

/** Python 2 module names that Python 3 renamed (the part of `_compat_pickle` a checkpoint can use). */
const PY2_MODULES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['exceptions', 'builtins'],
  ['cPickle', 'pickle'],
  ['commands', 'subprocess'], // Python 3 itself writes subprocess this way below protocol 3
  ['Queue', 'queue'],
  ['UserDict', 'collections'],
  ['UserList', 'collections'],
  ['UserString', 'collections'],
]);
const PY2_NAMES: ReadonlyMap<string, string> = new Map([
  ['xrange', 'range'],
  ['unicode', 'str'],
  ['basestring', 'str'],
  ['long', 'int'],
  ['unichr', 'chr'],
]);

/** The Python 3 module and name for a global a Python 2 pickle names (`__builtin__`, `copy_reg`...). */
export function python3Global(module: string, name: string): [string, string] {
  const m3 = PY2_MODULES.get(module) ?? module;
  return [m3, m3 === 'builtins' ? (PY2_NAMES.get(name) ?? name) : name];
}

/** `__builtin__.set` -> `builtins.set`: a recorded global (`result.globals`) under its Python 3 name. */
export function python3QualifiedName(qualifiedName: string): string {
  const dot = qualifiedName.indexOf('.');
  if (dot < 0) return qualifiedName;
  const [m3, n3] = python3Global(qualifiedName.slice(0, dot), qualifiedName.slice(dot + 1));
  return `${m3}.${n3}`;
}

// ignoreBOM keeps a leading U+FEFF: it is part of the str, not a byte order mark.
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Unpickles one pickle from `data` (from `options.offset`) without running anything.
 * Throws PickleTruncatedError when the data ends before STOP, CorruptError for a malformed pickle,
 * UnsupportedProtocolError for protocol 6+ and out-of-band buffers, UnsupportedError past a limit.
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, options: UnpickleOptions = {}): UnpickleResult {
  const machine = new Machine(data, hooks, options);
  try {
    return machine.run();
  } catch (err) {
    attachGlobals(err, machine.namedGlobals, machine.callLog);
    throw err;
  }
}

class Machine {
  private readonly view: DataView;
  private pos: number;
  /** Offset and code of the opcode being run, for error messages. */
  private opAt = 0;
  private op = 0;
  private readonly stack: PyValue[] = [];
  /** Stack lengths at each open MARK; the last one is the fence that pops may not cross. */
  private readonly marks: number[] = [];
  private fence = 0;
  /** The memo: dense while indices come in order (as picklers write them), a Map for the rest. */
  private readonly memo: Array<PyValue | undefined> = [];
  private readonly sparseMemo = new Map<number, PyValue>();
  private memoCount = 0;
  private readonly maxMemo: number;
  private readonly globals: string[] = [];
  /** The globals named so far, for an error thrown part way. */
  get namedGlobals(): readonly string[] {
    return this.globals;
  }
  private readonly seenGlobals = new Set<string>();
  private readonly calls: PyObject[] = [];
  private readonly callsPerCallee = new Map<string, number>();
  private readonly omittedCalls = new Map<string, number>();
  /** The calls recorded so far (also for an error thrown part way). */
  get callLog(): CallLog {
    return { records: this.calls, omitted: this.omittedCalls };
  }
  /** Globals that resolved to a reconstruction (each GLOBAL pushes its own PyGlobal). */
  private readonly reconstructionOf = new Map<PyGlobal, Reconstruction>();
  /** Values made by a reconstruction that has a `build`, so that BUILD goes to it. */
  private readonly madeBy = new WeakMap<object, Reconstruction>();

  constructor(
    private readonly data: Uint8Array,
    private readonly hooks: UnpickleHooks,
    options: UnpickleOptions,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.pos = options.offset ?? 0;
    this.maxMemo = options.maxMemo ?? DEFAULT_MAX_MEMO;
    if (!Number.isInteger(this.pos) || this.pos < 0 || this.pos > data.length) {
      throw new RangeError(`unpickle: offset ${this.pos} is outside the data (${data.length} bytes)`);
    }
  }

  run(): UnpickleResult {
    const data = this.data;
    const stack = this.stack;
    const end = data.length;
    // Case labels are literals (named in comments) so that V8 compiles the switch to a jump table;
    // `case Op.MARK` would be a chain of property loads and comparisons on every opcode.
    for (;;) {
      if (this.pos >= end) throw new PickleTruncatedError(end + 1);
      this.opAt = this.pos;
      const op = data[this.pos++];
      this.op = op;
      switch (op) {
        // --- Structure
        case 0x28: // MARK
          this.marks.push(stack.length);
          this.fence = stack.length;
          break;
        case 0x2e: // STOP
          return { value: this.pop(), end: this.pos, globals: this.globals, calls: this.callLog };
        case 0x30: // POP
          // As CPython: POP with nothing above the fence removes the MARK instead.
          if (stack.length > this.fence) stack.pop();
          else this.popMark();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          stack.push(this.top());
          break;
        case 0x95: // FRAME
          // Framing only helps a streaming reader; the data is all here, so skip the length.
          this.take(8);
          break;
        case 0x80: { // PROTO
          const version = data[this.take(1)];
          if (version > HIGHEST_PROTOCOL) {
            throw new UnsupportedProtocolError(`pickle protocol ${version} (this reader knows protocols 0 to ${HIGHEST_PROTOCOL}).`);
          }
          break;
        }

        // --- Scalars
        case 0x4e: // NONE
          stack.push(null);
          break;
        case 0x88: // NEWTRUE
          stack.push(true);
          break;
        case 0x89: // NEWFALSE
          stack.push(false);
          break;
        case 0x4a: // BININT
          stack.push(BigInt(this.view.getInt32(this.take(4), true)));
          break;
        case 0x4b: // BININT1
          stack.push(SMALL_INTS[data[this.take(1)]]);
          break;
        case 0x4d: // BININT2
          stack.push(BigInt(this.view.getUint16(this.take(2), true)));
          break;
        case 0x8a: { // LONG1
          const n = data[this.take(1)];
          stack.push(this.readLong(n));
          break;
        }
        case 0x8b: { // LONG4
          const n = this.view.getInt32(this.take(4), true);
          if (n < 0) this.fail(`negative byte count ${n}`);
          if (n > MAX_LONG_BYTES) this.refuse(`an integer of ${n} bytes (the limit is ${MAX_LONG_BYTES})`);
          stack.push(this.readLong(n));
          break;
        }
        case 0x49: { // INT
          const text = this.readLineAscii();
          // Protocol 0 writes booleans as INT 01 / 00.
          if (text === '01') stack.push(true);
          else if (text === '00') stack.push(false);
          else stack.push(this.parseIntText(text));
          break;
        }
        case 0x4c: { // LONG
          let text = this.readLineAscii();
          if (text.endsWith('L')) text = text.slice(0, -1);
          stack.push(this.parseIntText(text));
          break;
        }
        case 0x47: // BINFLOAT
          stack.push(this.view.getFloat64(this.take(8), false));
          break;
        case 0x46: // FLOAT
          stack.push(this.parseFloatText(this.readLineAscii()));
          break;

        // --- Strings and bytes
        case 0x58: { // BINUNICODE
          const n = this.view.getUint32(this.take(4), true);
          const at = this.take(n);
          stack.push(this.utf8(at, at + n));
          break;
        }
        case 0x8c: { // SHORT_BINUNICODE
          const n = data[this.take(1)];
          const at = this.take(n);
          stack.push(this.utf8(at, at + n));
          break;
        }
        case 0x8d: { // BINUNICODE8
          const n = this.readLength8();
          const at = this.take(n);
          stack.push(this.utf8(at, at + n));
          break;
        }
        case 0x56: { // UNICODE
          const [from, to] = this.readLine();
          stack.push(this.rawUnicodeEscape(from, to));
          break;
        }
        case 0x42: { // BINBYTES
          const n = this.view.getUint32(this.take(4), true);
          const at = this.take(n);
          stack.push(data.slice(at, at + n));
          break;
        }
        case 0x43: { // SHORT_BINBYTES
          const n = data[this.take(1)];
          const at = this.take(n);
          stack.push(data.slice(at, at + n));
          break;
        }
        case 0x8e: { // BINBYTES8
          const n = this.readLength8();
          const at = this.take(n);
          stack.push(data.slice(at, at + n));
          break;
        }
        case 0x96: { // BYTEARRAY8
          const n = this.readLength8();
          const at = this.take(n);
          stack.push(new PyByteArray(data.slice(at, at + n)));
          break;
        }
        case 0x54: { // BINSTRING
          const n = this.view.getInt32(this.take(4), true);
          if (n < 0) this.fail(`negative byte count ${n}`);
          const at = this.take(n);
          stack.push(py2String(data.subarray(at, at + n)));
          break;
        }
        case 0x55: { // SHORT_BINSTRING
          const n = data[this.take(1)];
          const at = this.take(n);
          stack.push(py2String(data.subarray(at, at + n)));
          break;
        }
        case 0x53: { // STRING
          const [from, to] = this.readLine();
          stack.push(py2String(this.escapeDecode(from, to)));
          break;
        }
        case 0x97: // NEXT_BUFFER
        case 0x98: // READONLY_BUFFER
          throw new UnsupportedProtocolError(
            `out-of-band buffers (opcode ${opcodeName(op)} at offset ${this.opAt}) need buffers that are not part of the file.`,
          );

        // --- Containers
        case 0x29: // EMPTY_TUPLE
          stack.push(new PyTuple([]));
          break;
        case 0x74: // TUPLE
          stack.push(new PyTuple(this.popMark()));
          break;
        case 0x85: // TUPLE1
          stack.push(new PyTuple(this.popN(1)));
          break;
        case 0x86: // TUPLE2
          stack.push(new PyTuple(this.popN(2)));
          break;
        case 0x87: // TUPLE3
          stack.push(new PyTuple(this.popN(3)));
          break;
        case 0x5d: // EMPTY_LIST
          stack.push([]);
          break;
        case 0x6c: // LIST
          stack.push(this.popMark());
          break;
        case 0x61: { // APPEND
          const item = this.pop();
          const target = this.top();
          if (Array.isArray(target)) target.push(item);
          else this.extend(target, [item]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          this.extend(this.top(), items);
          break;
        }
        case 0x7d: // EMPTY_DICT
          stack.push(new PyDict());
          break;
        case 0x64: { // DICT
          const items = this.popMark();
          const dict = new PyDict();
          this.setItems(dict, items);
          stack.push(dict);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.push(new PySet([]));
          break;
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const target = this.top();
          if (target instanceof PySet && !target.frozen) pushAll(target.items, items);
          else if (target instanceof PyObject) pushAll(target.listItems, items);
          else this.fail(`cannot add items to ${describe(target)}`);
          break;
        }
        case 0x91: // FROZENSET
          stack.push(new PySet(this.popMark(), true));
          break;

        // --- Memo
        case 0x70: // PUT
          this.memoPut(this.parseIndexText(this.readLineAscii()));
          break;
        case 0x71: // BINPUT
          this.memoPut(data[this.take(1)]);
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(this.view.getUint32(this.take(4), true));
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memoCount);
          break;
        case 0x67: // GET
          stack.push(this.memoGet(this.parseIndexText(this.readLineAscii())));
          break;
        case 0x68: // BINGET
          stack.push(this.memoGet(data[this.take(1)]));
          break;
        case 0x6a: // LONG_BINGET
          stack.push(this.memoGet(this.view.getUint32(this.take(4), true)));
          break;

        // --- Globals and calls (recorded, never made)
        case 0x63: { // GLOBAL
          const module = this.readLineUtf8();
          const name = this.readLineUtf8();
          stack.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('the module and name must be str');
          stack.push(this.global(module, name));
          break;
        }
        case 0x69: { // INST
          const module = this.readLineAscii();
          const name = this.readLineAscii();
          const cls = this.global(module, name);
          stack.push(this.call(cls, this.popMark(), 'reduce'));
          break;
        }
        case 0x6f: { // OBJ
          const items = this.popMark();
          if (items.length === 0) this.fail('no class to instantiate');
          const cls = items[0];
          stack.push(this.call(cls, items.slice(1), 'reduce'));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.argsOf(this.pop());
          const callee = this.pop();
          stack.push(this.call(callee, args, 'reduce'));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.argsOf(this.pop());
          const cls = this.pop();
          stack.push(this.call(cls, args, 'newobj'));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.argsOf(this.pop());
          const cls = this.pop();
          if (!(kwargs instanceof PyDict)) this.fail('the keyword arguments must be a dict');
          stack.push(this.call(cls, args, 'newobj', kwargs.size > 0 ? kwargs : undefined));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const target = this.top();
          const rec = typeof target === 'object' && target !== null ? this.madeBy.get(target) : undefined;
          if (rec?.build) {
            const build = rec.build.bind(rec);
            stack[stack.length - 1] = this.guard(rec.qualifiedName, () => build(target, state));
          } else if (target instanceof PyObject || target instanceof PyDict) {
            target.state = state;
          }
          // Anything else (a set, a list...) has no state worth keeping: ignore it, as data.
          break;
        }
        case 0x82: // EXT1
          stack.push(this.extension(data[this.take(1)]));
          break;
        case 0x83: // EXT2
          stack.push(this.extension(this.view.getUint16(this.take(2), true)));
          break;
        case 0x84: // EXT4
          stack.push(this.extension(this.view.getInt32(this.take(4), true)));
          break;

        // --- Persistent ids (torch's storages)
        case 0x50: { // PERSID
          const pid = this.readLineAscii();
          stack.push(this.persistentLoad(pid));
          break;
        }
        case 0x51: // BINPERSID
          stack.push(this.persistentLoad(this.pop()));
          break;

        default:
          throw new CorruptError(`the byte 0x${op.toString(16).padStart(2, '0')} at offset ${this.opAt} of the pickle is not an opcode.`);
      }
    }
  }

  // --- Errors

  private fail(detail: string): never {
    throw new CorruptError(`pickle opcode ${opcodeName(this.op)} at offset ${this.opAt}: ${detail}.`);
  }

  private refuse(detail: string): never {
    throw new UnsupportedError(`pickle opcode ${opcodeName(this.op)} at offset ${this.opAt} holds ${detail}.`);
  }

  /** Runs a hook or reconstruction; its non-typed errors become CorruptError so callers see one kind. */
  private guard<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      const error = new CorruptError(
        `pickle opcode ${opcodeName(this.op)} at offset ${this.opAt}: rebuilding ${what} failed (${err instanceof Error ? err.message : String(err)}).`,
      );
      (error as { cause?: unknown }).cause = err;
      throw error;
    }
  }

  // --- Reading

  /** Advances past `n` bytes and returns where they start; truncated if they are not all there. */
  private take(n: number): number {
    const at = this.pos;
    if (n > this.data.length - at) throw new PickleTruncatedError(at + n);
    this.pos = at + n;
    return at;
  }

  /** An 8-byte little-endian length, refused when it cannot be a length in memory. */
  private readLength8(): number {
    const at = this.take(8);
    const lo = this.view.getUint32(at, true);
    const hi = this.view.getUint32(at + 4, true);
    if (hi >= 0x200000) this.fail('the length is over 2**53');
    return hi * 0x1_0000_0000 + lo;
  }

  /** The bytes up to the next newline, as [from, to) without it; truncated if there is none. */
  private readLine(): [number, number] {
    const from = this.pos;
    const nl = this.data.indexOf(0x0a, from);
    if (nl < 0) throw new PickleTruncatedError(this.data.length + 1);
    this.pos = nl + 1;
    return [from, nl];
  }

  private readLineAscii(): string {
    const [from, to] = this.readLine();
    for (let i = from; i < to; i++) if (this.data[i] >= 0x80) this.fail('a text argument is not ASCII');
    return latin1(this.data, from, to);
  }

  private readLineUtf8(): string {
    const [from, to] = this.readLine();
    return this.utf8(from, to);
  }

  /** A little-endian two's complement integer of `n` bytes (LONG1, LONG4). */
  private readLong(n: number): bigint {
    const at = this.take(n);
    if (n === 0) return 0n;
    const data = this.data;
    if (n <= 6) {
      // Fits a double exactly: no string round trip.
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + data[at + i];
      if (data[at + n - 1] & 0x80) v -= 2 ** (8 * n);
      return BigInt(v);
    }
    let hex = '';
    for (let i = n - 1; i >= 0; i--) hex += HEX[data[at + i]];
    let v = BigInt('0x' + hex);
    if (data[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v;
  }

  private utf8(from: number, to: number): string {
    const s = decodeUtf8(this.data, from, to);
    if (s === undefined) this.fail('a string is not valid UTF-8');
    return s;
  }

  /** Protocol 0 ints: what Python's `int(text, 0)` accepts, as far as pickles use it. */
  private parseIntText(text: string): bigint {
    const m = /^\s*([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)\s*$/.exec(text);
    if (!m) this.fail(`"${text.slice(0, 40)}" is not an integer`);
    const body = m[2].replace(/_/g, '');
    const decimal = !/^0[xXoObB]/.test(body);
    if (decimal && body.length > MAX_DECIMAL_DIGITS) this.refuse(`an integer of ${body.length} digits`);
    if (!decimal && body.length > 2 * MAX_LONG_BYTES) this.refuse(`an integer of ${body.length} digits`);
    let v: bigint;
    try {
      v = BigInt(body);
    } catch {
      this.fail(`"${text.slice(0, 40)}" is not an integer`);
    }
    return m[1] === '-' ? -v : v;
  }

  /** Protocol 0 floats: what Python's `float(text)` accepts, including nan and inf. */
  private parseFloatText(text: string): number {
    const t = text.trim().toLowerCase();
    const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
    if (special) {
      if (special[2] === 'nan') return NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    const plain = t.replace(/(?<=\d)_(?=\d)/g, '');
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(plain)) this.fail(`"${text.slice(0, 40)}" is not a float`);
    return Number(plain);
  }

  private parseIndexText(text: string): number {
    if (!/^\s*\d{1,15}\s*$/.test(text)) this.fail(`"${text.slice(0, 40)}" is not a memo index`);
    return Number(text);
  }

  /** Python's `codecs.escape_decode` of a quoted protocol 0 STRING argument. */
  private escapeDecode(from: number, to: number): Uint8Array {
    const data = this.data;
    const q = data[from];
    if (to - from < 2 || (q !== 0x27 && q !== 0x22) || data[to - 1] !== q) this.fail('the argument must be quoted');
    const out = new Uint8Array(to - from - 2);
    let n = 0;
    let i = from + 1;
    const stop = to - 1;
    while (i < stop) {
      const c = data[i++];
      if (c !== 0x5c) {
        out[n++] = c;
        continue;
      }
      if (i >= stop) this.fail('a trailing \\ in the string');
      const e = data[i++];
      switch (e) {
        case 0x0a: break; // a backslash-newline continues the line
        case 0x5c: case 0x27: case 0x22: out[n++] = e; break;
        case 0x61: out[n++] = 7; break; // \a
        case 0x62: out[n++] = 8; break; // \b
        case 0x66: out[n++] = 12; break; // \f
        case 0x6e: out[n++] = 10; break; // \n
        case 0x72: out[n++] = 13; break; // \r
        case 0x74: out[n++] = 9; break; // \t
        case 0x76: out[n++] = 11; break; // \v
        case 0x78: { // \xhh
          const h = i + 1 < stop ? hexPair(data[i], data[i + 1]) : -1;
          if (h < 0) this.fail('an invalid \\x escape in the string');
          out[n++] = h;
          i += 2;
          break;
        }
        default:
          if (e >= 0x30 && e <= 0x37) {
            let v = e - 0x30;
            for (let k = 0; k < 2 && i < stop && data[i] >= 0x30 && data[i] <= 0x37; k++) v = v * 8 + data[i++] - 0x30;
            out[n++] = v & 0xff;
          } else {
            // Unknown escapes stay as they are, backslash included.
            out[n++] = 0x5c;
            out[n++] = e;
          }
      }
    }
    return out.subarray(0, n);
  }

  /** Python's `raw-unicode-escape` decoding of a protocol 0 UNICODE argument. */
  private rawUnicodeEscape(from: number, to: number): string {
    const data = this.data;
    if (data.indexOf(0x5c, from) < 0 || data.indexOf(0x5c, from) >= to) return latin1(data, from, to);
    const parts: string[] = [];
    let runStart = from;
    let i = from;
    while (i < to) {
      if (data[i] !== 0x5c) {
        i++;
        continue;
      }
      // \u and \U are escapes only after an odd number of backslashes.
      let j = i;
      while (j < to && data[j] === 0x5c) j++;
      const odd = (j - i) % 2 === 1;
      if (!odd || j >= to || (data[j] !== 0x75 && data[j] !== 0x55)) {
        i = j;
        continue;
      }
      parts.push(latin1(data, runStart, j - 1));
      const digits = data[j] === 0x75 ? 4 : 8;
      if (j + 1 + digits > to) this.fail('a truncated \\u escape');
      let cp = 0;
      for (let k = j + 1; k < j + 1 + digits; k++) {
        const d = hexDigit(data[k]);
        if (d < 0) this.fail('a truncated \\u escape');
        cp = cp * 16 + d;
      }
      if (cp > 0x10ffff) this.fail('a \\U escape out of range');
      parts.push(String.fromCodePoint(cp));
      i = j + 1 + digits;
      runStart = i;
    }
    parts.push(latin1(data, runStart, to));
    return parts.join('');
  }

  // --- The stack

  private pop(): PyValue {
    if (this.stack.length <= this.fence) this.fail('the stack is empty');
    return this.stack.pop() as PyValue;
  }

  private top(): PyValue {
    if (this.stack.length <= this.fence) this.fail('the stack is empty');
    return this.stack[this.stack.length - 1];
  }

  private popN(n: number): PyValue[] {
    if (this.stack.length - this.fence < n) this.fail('the stack is empty');
    return this.stack.splice(this.stack.length - n, n);
  }

  /** The items above the last MARK, removing them and the MARK. */
  private popMark(): PyValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('there is no MARK');
    this.fence = this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
    return this.stack.splice(mark);
  }

  private extend(target: PyValue, items: PyValue[]): void {
    if (Array.isArray(target)) pushAll(target, items);
    else if (target instanceof PyObject) pushAll(target.listItems, items);
    else this.fail(`cannot append to ${describe(target)}`);
  }

  private setItems(target: PyValue, items: PyValue[]): void {
    if (items.length % 2 !== 0) this.fail('a key has no value');
    if (target instanceof PyDict) {
      const map = target.map;
      for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    } else if (target instanceof PyObject) {
      for (let i = 0; i < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
    } else {
      this.fail(`cannot set items on ${describe(target)}`);
    }
  }

  private argsOf(v: PyValue): PyValue[] {
    if (v instanceof PyTuple) return v.items;
    if (Array.isArray(v)) return v;
    this.fail(`the arguments are ${describe(v)}, not a tuple`);
  }

  // --- Memo

  private memoPut(index: number): void {
    const value = this.top();
    const memo = this.memo;
    if (index <= memo.length && index < 0x1000_0000) {
      if (index === memo.length || memo[index] === undefined) this.countMemo();
      memo[index] = value;
    } else {
      if (!this.sparseMemo.has(index)) this.countMemo();
      this.sparseMemo.set(index, value);
    }
  }

  private countMemo(): void {
    if (this.memoCount >= this.maxMemo) this.refuse(`more than ${this.maxMemo} memo entries`);
    this.memoCount++;
  }

  private memoGet(index: number): PyValue {
    const v = index < this.memo.length ? this.memo[index] : this.sparseMemo.get(index);
    if (v === undefined) this.fail(`memo entry ${index} was never stored`);
    return v;
  }

  // --- Globals, calls, extensions, persistent ids

  private record(qualifiedName: string): void {
    if (!this.seenGlobals.has(qualifiedName)) {
      this.seenGlobals.add(qualifiedName);
      this.globals.push(qualifiedName);
    }
  }

  private global(module: string, name: string): PyGlobal {
    this.record(`${module}.${name}`);
    const g = new PyGlobal(module, name);
    // Resolve under the Python 3 names; the PyGlobal and the record keep what the pickle said.
    const [m3, n3] = python3Global(module, name);
    const rec =
      this.guard(`${m3}.${n3}`, () => this.hooks.resolveGlobal(m3, n3)) ?? builtinReconstructions.get(`${m3}.${n3}`);
    if (rec) this.reconstructionOf.set(g, rec);
    return g;
  }

  private call(callee: PyValue, args: PyValue[], kind: 'reduce' | 'newobj', kwargs?: PyDict): PyValue {
    if (callee instanceof PyGlobal) {
      const rec = this.reconstructionOf.get(callee);
      if (rec && kwargs === undefined) {
        const value = this.guard(rec.qualifiedName, () => rec.call(args));
        if (rec.build && typeof value === 'object' && value !== null) this.madeBy.set(value, rec);
        return value;
      }
      const obj = new PyObject(callee, args, kind);
      obj.kwargs = kwargs;
      return this.logCall(obj);
    }
    // Calling the result of something else (e.g. `getattr(...)(...)`): record it, never make it.
    const obj = new PyObject(DYNAMIC_CALL, args, kind);
    obj.callee = callee;
    obj.kwargs = kwargs;
    return this.logCall(obj);
  }

  private logCall(obj: PyObject): PyObject {
    const name = obj.cls.qualifiedName;
    const seen = this.callsPerCallee.get(name) ?? 0;
    if (seen < MAX_CALLS_PER_CALLEE) {
      this.callsPerCallee.set(name, seen + 1);
      this.calls.push(obj);
    } else {
      this.omittedCalls.set(name, (this.omittedCalls.get(name) ?? 0) + 1);
    }
    return obj;
  }

  private extension(code: number): PyGlobal {
    if (code <= 0) this.fail(`extension code ${code} is not positive`);
    const g = new PyGlobal('copyreg', `extension.${code}`);
    this.record(g.qualifiedName);
    return g;
  }

  private persistentLoad(pid: PyValue): PyValue {
    const load = this.hooks.persistentLoad;
    if (!load) this.fail('a persistent id, but nothing here can load one');
    return this.guard('a persistent id', () => load.call(this.hooks, pid));
  }
}

// --- Helpers without machine state

/** BININT1's values, made once: most ints in a checkpoint are small (shapes, strides, flags). */
const SMALL_INTS: bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hexPair(a: number, b: number): number {
  const hi = hexDigit(a);
  const lo = hexDigit(b);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/** Avoids the spread operator, which overflows the call stack on very long APPENDS. */
function pushAll(target: PyValue[], items: PyValue[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
}

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return `a ${v.constructor.name}`;
  return `a ${typeof v}`;
}

/** Bytes as code points 0-255 (TextDecoder's "latin1" is really windows-1252, so not that). */
function latin1(data: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, data.subarray(i, Math.min(to, i + 8192)) as unknown as number[]);
  }
  return s;
}

/**
 * UTF-8 as Python writes it for pickles (`surrogatepass`: lone surrogates are allowed), or
 * undefined when the bytes are not that. TextDecoder first: measured faster than a hand-written
 * ASCII loop even for short dict keys.
 */
function decodeUtf8(data: Uint8Array, from: number, to: number): string | undefined {
  try {
    return utf8Fatal.decode(data.subarray(from, to));
  } catch {
    return decodeUtf8SurrogatePass(data, from, to);
  }
}

function decodeUtf8SurrogatePass(data: Uint8Array, from: number, to: number): string | undefined {
  const units: number[] = [];
  let s = '';
  let i = from;
  while (i < to) {
    const c = data[i];
    let cp: number;
    let len: number;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      len = 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      len = 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      len = 4;
    } else {
      return undefined;
    }
    if (i + len > to) return undefined;
    for (let k = 1; k < len; k++) {
      const b = data[i + k];
      if ((b & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms and values past U+10FFFF are invalid; surrogates pass.
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return undefined;
    if (cp >= 0x10000) {
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      units.push(cp);
    }
    i += len;
    if (units.length >= 8192) {
      s += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return s + String.fromCharCode.apply(null, units);
}

/** Python 2 `str` (STRING, BINSTRING, SHORT_BINSTRING): UTF-8 when valid, else latin-1, as torch.load. */
function py2String(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return latin1(bytes, 0, bytes.length);
  }
}
