// A pickle interpreter for protocols 0 to 5 that never runs code. It builds inert PyValues: globals
// become PyGlobal placeholders unless the hooks or the builtin table supply a data-only
// reconstruction, and calls on anything else are recorded as PyObjects, never made.
//
// Hostile input: the machine is a loop with an explicit stack (no recursion on the input's depth),
// every length is checked against the remaining bytes before anything is allocated, the memo and
// big integers are bounded, and every failure is a typed CheckpointError naming the opcode and its
// offset. Data that ends before STOP gives PickleTruncatedError, so a caller reading a window of a
// file can retry with a bigger one.

import { CheckpointError, CorruptError, TruncatedError, UnsupportedError, UnsupportedProtocolError } from '../errors';
import type { PickleEvidence } from '../errors';
import { EMPTY_CALL_LOG, mergeCallLogs } from '../values/callLog';
import type { CallLog } from '../values/callLog';
import { PyByteArray, PyDict, PyGlobal, PyObject, PySet, PyTuple } from '../values/pyValue';
import type { PyValue, Reconstruction, UnpickleHooks, UnpickleResult } from '../values/pyValue';
import { ArgumentProblem } from './argumentProblem';
import { builtinReconstructions } from './builtinReconstructions';
import { memoReads } from './memoReads';
import type { MemoReads } from './memoReads';
import { HIGHEST_PROTOCOL, Op, opcodeName } from './opcodes';
import { python3Global } from './python2Names';
import { asciiText, decodeUtf8, latin1, py2String } from './stringDecoders';
import { floatArgument, intArgument, longArgument, MAX_LONG_BYTES, memoIndexArgument, stringArgument, unicodeArgument } from './textOpcodes';

/** The pickle's data ended before its STOP opcode. */
export class PickleTruncatedError extends TruncatedError {
  /** The input would need at least this many bytes (from the start of the array) to go further. */
  readonly atLeast: number;
  constructor(atLeast: number, evidence?: PickleEvidence) {
    super('The pickle', evidence);
    this.atLeast = atLeast;
  }
  override withEvidence(evidence: PickleEvidence): PickleTruncatedError {
    return new PickleTruncatedError(this.atLeast, evidence);
  }
}

export interface UnpickleOptions {
  /** Where the pickle starts in the array (several pickles can share a stream). Default 0. */
  offset?: number;
  /** The most memo entries allowed before the pickle is refused. Default 10 million. */
  maxMemo?: number;
  /** What earlier pickles of the stream named, so that an error here carries the whole stream's. */
  earlier?: PickleEvidence;
}

const DEFAULT_MAX_MEMO = 10_000_000;
/**
 * Values on the stack at once. Real pickles keep a few thousand there (CPython batches list and
 * dict items by 1,000); a tuple is pushed whole, so a million-item tuple needs a million. Each
 * value costs the pickle a byte or more, so without a bound a pickle of N bytes could hold an
 * array of 8N bytes.
 */
export const MAX_STACK = 16_000_000;
/** MARKs open at once: how deep MARK-built containers (tuples, protocol 0 lists and dicts) nest. */
export const MAX_MARKS = 1_000_000;
/** Items in one list, dict, set or object: more than any checkpoint holds (a sampler's index list). */
export const MAX_CONTAINER = 32_000_000;
/**
 * Recorded calls kept per callee. Real pickles repeat one class thousands of times (numpy arrays);
 * a hostile one needs a call or two. The rest are counted, so a report can say how many it omits.
 */
export const MAX_CALLS_PER_CALLEE = 16;
/** The callee of a call whose callable was not a global (e.g. the result of another call). */
const DYNAMIC_CALL = new PyGlobal('<dynamic>', 'call');

/**
 * Unpickles one pickle from `data` (from `options.offset`) without running anything.
 * Throws PickleTruncatedError when the data ends before STOP, CorruptError for a malformed pickle,
 * UnsupportedProtocolError for protocol 6+ and out-of-band buffers, UnsupportedError past a limit.
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, options: UnpickleOptions = {}): UnpickleResult {
  return new Machine(data, hooks, options).run();
}

class Machine {
  private readonly view: DataView;
  /** The same bytes as a Buffer, for its native latin-1 slices (see asciiText). */
  private readonly buffer: Buffer;
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
  /** The memo indices the pickle reads back (see memoReads.ts); undefined: keep every entry. */
  private readonly reads: MemoReads | undefined;
  private readonly maxMemo: number;
  private readonly globals: string[] = [];
  private readonly seenGlobals = new Set<string>();
  private readonly calls: PyObject[] = [];
  private readonly callsPerCallee = new Map<string, number>();
  private readonly omittedCalls = new Map<string, number>();
  private readonly earlier: PickleEvidence | undefined;
  /** The calls recorded so far (also for an error thrown part way). */
  private get callLog(): CallLog {
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
    this.buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.pos = options.offset ?? 0;
    this.maxMemo = options.maxMemo ?? DEFAULT_MAX_MEMO;
    this.earlier = options.earlier;
    if (!Number.isInteger(this.pos) || this.pos < 0 || this.pos > data.length) {
      throw new RangeError(`unpickle: offset ${this.pos} is outside the data (${data.length} bytes)`);
    }
    this.reads = memoReads(data, this.pos);
  }

  run(): UnpickleResult {
    const data = this.data;
    const stack = this.stack;
    const end = data.length;
    // esbuild inlines Op's members, so in the bundle the case labels are literals and V8 compiles
    // the switch to a jump table.
    for (;;) {
      if (this.pos >= end) throw new PickleTruncatedError(end + 1, this.evidence());
      if (stack.length > MAX_STACK) this.refuse(`more than ${MAX_STACK} values on its stack (the stack depth limit)`);
      this.opAt = this.pos;
      const op = data[this.pos++];
      this.op = op;
      switch (op) {
        // --- Structure
        case Op.MARK:
          if (this.marks.length >= MAX_MARKS) this.refuse(`more than ${MAX_MARKS} nested MARKs (the nesting limit)`);
          this.marks.push(stack.length);
          this.fence = stack.length;
          break;
        case Op.STOP:
          return { value: this.pop(), end: this.pos, globals: this.globals, calls: this.callLog };
        case Op.POP:
          // As CPython: POP with nothing above the fence removes the MARK instead.
          if (stack.length > this.fence) stack.pop();
          else this.popMark();
          break;
        case Op.POP_MARK:
          this.popMark();
          break;
        case Op.DUP:
          stack.push(this.top());
          break;
        case Op.FRAME:
          // Framing only helps a streaming reader; the data is all here, so skip the length.
          this.take(8);
          break;
        case Op.PROTO: {
          const version = data[this.take(1)];
          if (version > HIGHEST_PROTOCOL) {
            throw new UnsupportedProtocolError(`pickle protocol ${version} (this reader knows protocols 0 to ${HIGHEST_PROTOCOL}).`, this.evidence());
          }
          break;
        }

        // --- Scalars
        case Op.NONE:
          stack.push(null);
          break;
        case Op.NEWTRUE:
          stack.push(true);
          break;
        case Op.NEWFALSE:
          stack.push(false);
          break;
        case Op.BININT:
          stack.push(pyInt(this.view.getInt32(this.take(4), true)));
          break;
        case Op.BININT1:
          stack.push(SMALL_INTS[data[this.take(1)]]);
          break;
        case Op.BININT2:
          stack.push(pyInt(this.view.getUint16(this.take(2), true)));
          break;
        case Op.LONG1: {
          const n = data[this.take(1)];
          stack.push(this.readLong(n));
          break;
        }
        case Op.LONG4: {
          const n = this.view.getInt32(this.take(4), true);
          if (n < 0) this.fail(`negative byte count ${n}`);
          if (n > MAX_LONG_BYTES) this.refuse(`an integer of ${n} bytes (the limit is ${MAX_LONG_BYTES})`);
          stack.push(this.readLong(n));
          break;
        }
        case Op.INT:
          stack.push(this.argument(intArgument(this.readLineAscii())));
          break;
        case Op.LONG:
          stack.push(this.argument(longArgument(this.readLineAscii())));
          break;
        case Op.BINFLOAT:
          stack.push(this.view.getFloat64(this.take(8), false));
          break;
        case Op.FLOAT:
          stack.push(this.argument(floatArgument(this.readLineAscii())));
          break;

        // --- Strings and bytes
        case Op.BINUNICODE: {
          const at = this.span(4);
          stack.push(this.utf8(at, this.pos));
          break;
        }
        case Op.SHORT_BINUNICODE: {
          const at = this.span(1);
          stack.push(this.utf8(at, this.pos));
          break;
        }
        case Op.BINUNICODE8: {
          const at = this.span(8);
          stack.push(this.utf8(at, this.pos));
          break;
        }
        case Op.UNICODE: {
          const [from, to] = this.readLine();
          stack.push(this.argument(unicodeArgument(data.subarray(from, to))));
          break;
        }
        case Op.BINBYTES: {
          const at = this.span(4);
          stack.push(data.slice(at, this.pos));
          break;
        }
        case Op.SHORT_BINBYTES: {
          const at = this.span(1);
          stack.push(data.slice(at, this.pos));
          break;
        }
        case Op.BINBYTES8: {
          const at = this.span(8);
          stack.push(data.slice(at, this.pos));
          break;
        }
        case Op.BYTEARRAY8: {
          const at = this.span(8);
          stack.push(new PyByteArray(data.slice(at, this.pos)));
          break;
        }
        case Op.BINSTRING: {
          const at = this.span(4, true);
          stack.push(py2String(data.subarray(at, this.pos)));
          break;
        }
        case Op.SHORT_BINSTRING: {
          const at = this.span(1);
          stack.push(py2String(data.subarray(at, this.pos)));
          break;
        }
        case Op.STRING: {
          const [from, to] = this.readLine();
          stack.push(this.argument(stringArgument(data.subarray(from, to))));
          break;
        }
        case Op.NEXT_BUFFER:
        case Op.READONLY_BUFFER:
          throw new UnsupportedProtocolError(
            `out-of-band buffers (opcode ${opcodeName(op)} at offset ${this.opAt}) need buffers that are not part of the file.`,
            this.evidence(),
          );

        // --- Containers
        case Op.EMPTY_TUPLE:
          // One object, as in CPython: a tuple's items are never changed, and () has none.
          stack.push(EMPTY_TUPLE);
          break;
        case Op.TUPLE:
          stack.push(new PyTuple(this.popMark()));
          break;
        case Op.TUPLE1: {
          this.need(1);
          stack.push(new PyTuple([stack.pop() as PyValue]));
          break;
        }
        case Op.TUPLE2: {
          this.need(2);
          const b = stack.pop() as PyValue;
          stack.push(new PyTuple([stack.pop() as PyValue, b]));
          break;
        }
        case Op.TUPLE3: {
          this.need(3);
          const c = stack.pop() as PyValue;
          const b = stack.pop() as PyValue;
          stack.push(new PyTuple([stack.pop() as PyValue, b, c]));
          break;
        }
        case Op.EMPTY_LIST:
          stack.push([]);
          break;
        case Op.LIST:
          stack.push(this.popMark());
          break;
        case Op.APPEND: {
          const item = this.pop();
          const target = this.top();
          if (Array.isArray(target) && target.length < MAX_CONTAINER) target.push(item);
          else this.extend(target, [item], 0);
          break;
        }
        case Op.APPENDS: {
          const start = this.popMarkStart();
          this.extend(this.top(start), stack, start);
          stack.length = start;
          break;
        }
        case Op.EMPTY_DICT:
          stack.push(new PyDict());
          break;
        case Op.DICT: {
          const start = this.popMarkStart();
          const dict = new PyDict();
          this.setItems(dict, stack, start);
          stack.length = start;
          stack.push(dict);
          break;
        }
        case Op.SETITEM: {
          const value = this.pop();
          const key = this.pop();
          const target = this.top();
          if (target instanceof PyDict && target.map.size < MAX_CONTAINER) target.map.set(key, value);
          else this.setItems(target, [key, value], 0);
          break;
        }
        case Op.SETITEMS: {
          // The items stay on the stack while they are set: no array of them is made.
          const start = this.popMarkStart();
          this.setItems(this.top(start), stack, start);
          stack.length = start;
          break;
        }
        case Op.EMPTY_SET:
          stack.push(new PySet([]));
          break;
        case Op.ADDITEMS: {
          const items = this.popMark();
          const target = this.top();
          if (target instanceof PySet && !target.frozen) {
            this.checkLength(target.items.length + items.length);
            pushAll(target.items, items, 0);
          } else if (target instanceof PyObject) this.extend(target, items, 0);
          else this.fail(`cannot add items to ${describe(target)}`);
          break;
        }
        case Op.FROZENSET:
          stack.push(new PySet(this.popMark(), true));
          break;

        // --- Memo
        case Op.PUT:
          this.memoPut(this.argument(memoIndexArgument(this.readLineAscii())));
          break;
        case Op.BINPUT:
          this.memoPut(data[this.take(1)]);
          break;
        case Op.LONG_BINPUT:
          this.memoPut(this.view.getUint32(this.take(4), true));
          break;
        case Op.MEMOIZE:
          this.memoPut(this.memoCount);
          break;
        case Op.GET:
          stack.push(this.memoGet(this.argument(memoIndexArgument(this.readLineAscii()))));
          break;
        case Op.BINGET:
          stack.push(this.memoGet(data[this.take(1)]));
          break;
        case Op.LONG_BINGET:
          stack.push(this.memoGet(this.view.getUint32(this.take(4), true)));
          break;

        // --- Globals and calls (recorded, never made)
        case Op.GLOBAL: {
          const module = this.readLineUtf8();
          const name = this.readLineUtf8();
          stack.push(this.global(module, name));
          break;
        }
        case Op.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('the module and name must be str');
          stack.push(this.global(module, name));
          break;
        }
        case Op.INST: {
          const module = this.readLineAscii();
          const name = this.readLineAscii();
          const cls = this.global(module, name);
          stack.push(this.call(cls, this.popMark(), 'reduce'));
          break;
        }
        case Op.OBJ: {
          const items = this.popMark();
          if (items.length === 0) this.fail('no class to instantiate');
          const cls = items[0];
          stack.push(this.call(cls, items.slice(1), 'reduce'));
          break;
        }
        case Op.REDUCE: {
          const args = this.argsOf(this.pop());
          const callee = this.pop();
          stack.push(this.call(callee, args, 'reduce'));
          break;
        }
        case Op.NEWOBJ: {
          const args = this.argsOf(this.pop());
          const cls = this.pop();
          stack.push(this.call(cls, args, 'newobj'));
          break;
        }
        case Op.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.argsOf(this.pop());
          const cls = this.pop();
          if (!(kwargs instanceof PyDict)) this.fail('the keyword arguments must be a dict');
          stack.push(this.call(cls, args, 'newobj', kwargs.size > 0 ? kwargs : undefined));
          break;
        }
        case Op.BUILD: {
          const state = this.pop();
          const target = this.top();
          const rec = typeof target === 'object' && target !== null ? this.madeBy.get(target) : undefined;
          if (rec?.build) {
            const build = rec.build.bind(rec);
            stack[stack.length - 1] = this.guard(rec.qualifiedName, () => build(target, state));
          } else if (target instanceof PyObject) {
            // An earlier BUILD may have set `__setstate__` on the instance (modelscan #85): this
            // BUILD then calls it with the state. Recorded as that call, never made.
            const setter = stateSetter(target.state);
            if (setter !== undefined) this.call(setter, [state], 'reduce');
            else target.state = state;
          } else if (target instanceof PyDict) {
            target.state = state;
          }
          // Anything else (a set, a list...) has no state worth keeping: ignore it, as data.
          break;
        }
        case Op.EXT1:
          stack.push(this.extension(data[this.take(1)]));
          break;
        case Op.EXT2:
          stack.push(this.extension(this.view.getUint16(this.take(2), true)));
          break;
        case Op.EXT4:
          stack.push(this.extension(this.view.getInt32(this.take(4), true)));
          break;

        // --- Persistent ids (torch's storages)
        case Op.PERSID: {
          const pid = this.readLineAscii();
          stack.push(this.persistentLoad(pid));
          break;
        }
        case Op.BINPERSID:
          stack.push(this.persistentLoad(this.pop()));
          break;

        default:
          throw new CorruptError(`the byte 0x${op.toString(16).padStart(2, '0')} at offset ${this.opAt} of the pickle is not an opcode.`, this.evidence());
      }
    }
  }

  // --- Errors

  /** What the pickle (and the stream's earlier ones) named so far: every error made here carries it. */
  private evidence(): PickleEvidence {
    const earlier = this.earlier;
    if (!earlier) return { globals: this.globals, calls: this.callLog };
    return {
      globals: [...new Set([...earlier.globals, ...this.globals])],
      calls: mergeCallLogs([earlier.calls ?? EMPTY_CALL_LOG, this.callLog]),
    };
  }

  private fail(detail: string): never {
    throw new CorruptError(`pickle opcode ${opcodeName(this.op)} at offset ${this.opAt}: ${detail}.`, this.evidence());
  }

  private refuse(detail: string): never {
    throw new UnsupportedError(`pickle opcode ${opcodeName(this.op)} at offset ${this.opAt} holds ${detail}.`, this.evidence());
  }

  /** A text parser's value, or its problem as this opcode's error. */
  private argument<T>(value: T | ArgumentProblem): T {
    if (value instanceof ArgumentProblem) return value.overLimit ? this.refuse(value.detail) : this.fail(value.detail);
    return value;
  }

  /** Runs a hook or reconstruction; its non-typed errors become CorruptError so callers see one kind. */
  private guard<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.hookError(what, err);
    }
  }

  /** What a hook or reconstruction threw, as the error this machine throws for it. */
  private hookError(what: string, err: unknown): CheckpointError {
    // A hook's own typed error was made without the pickle's globals: remade with them.
    if (err instanceof CheckpointError) return err.globals ? err : err.withEvidence(this.evidence());
    const error = new CorruptError(
      `pickle opcode ${opcodeName(this.op)} at offset ${this.opAt}: rebuilding ${what} failed (${err instanceof Error ? err.message : String(err)}).`,
      this.evidence(),
    );
    (error as { cause?: unknown }).cause = err;
    return error;
  }

  // --- Reading

  /** Advances past `n` bytes and returns where they start; truncated if they are not all there. */
  private take(n: number): number {
    const at = this.pos;
    if (n > this.data.length - at) throw new PickleTruncatedError(at + n, this.evidence());
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

  /**
   * A length-prefixed argument (BINUNICODE, SHORT_BINBYTES, BINSTRING...): a little-endian length of
   * `width` bytes (signed for BINSTRING), then that many bytes. Returns where they start; `this.pos`
   * is where they end.
   */
  private span(width: 1 | 4 | 8, signed = false): number {
    let n: number;
    if (width === 1) {
      n = this.data[this.take(1)];
    } else if (width === 8) {
      n = this.readLength8();
    } else {
      const at = this.take(4);
      n = signed ? this.view.getInt32(at, true) : this.view.getUint32(at, true);
      if (n < 0) this.fail(`negative byte count ${n}`);
    }
    return this.take(n);
  }

  /** The bytes up to the next newline, as [from, to) without it; truncated if there is none. */
  private readLine(): [number, number] {
    const from = this.pos;
    const nl = this.data.indexOf(0x0a, from);
    if (nl < 0) throw new PickleTruncatedError(this.data.length + 1, this.evidence());
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
      return pyInt(v);
    }
    let hex = '';
    for (let i = n - 1; i >= 0; i--) hex += HEX[data[at + i]];
    let v = BigInt('0x' + hex);
    if (data[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v;
  }

  private utf8(from: number, to: number): string {
    const s = asciiText(this.buffer, from, to) ?? decodeUtf8(this.data, from, to);
    if (s === undefined) this.fail('a string is not valid UTF-8');
    return s;
  }

  // --- The stack

  private pop(): PyValue {
    if (this.stack.length <= this.fence) this.fail('the stack is empty');
    return this.stack.pop() as PyValue;
  }

  /** The value below stack index `end` (default: the top), which must be above the fence. */
  private top(end = this.stack.length): PyValue {
    if (end <= this.fence) this.fail('the stack is empty');
    return this.stack[end - 1];
  }

  /** Fails unless `n` values are above the fence. */
  private need(n: number): void {
    if (this.stack.length - this.fence < n) this.fail('the stack is empty');
  }

  /** The items above the last MARK, removing them and the MARK. */
  private popMark(): PyValue[] {
    const start = this.popMarkStart();
    const stack = this.stack;
    // A copy and a cut, not splice (slower, and TUPLE runs twice per tensor).
    const items = stack.slice(start);
    stack.length = start;
    return items;
  }

  /**
   * Removes the last MARK and returns the stack index where its items start; they stay on the
   * stack, below which the new fence now is, for the caller to use and cut.
   */
  private popMarkStart(): number {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('there is no MARK');
    this.fence = this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
    return mark;
  }

  /** Appends `items[from...]` to a list or an object. */
  private extend(target: PyValue, items: PyValue[], from: number): void {
    const list = Array.isArray(target) ? target : target instanceof PyObject ? target.listItems : this.fail(`cannot append to ${describe(target)}`);
    this.checkLength(list.length + items.length - from);
    pushAll(list, items, from);
  }

  /** Refuses a container that would hold more than MAX_CONTAINER items. */
  private checkLength(n: number): void {
    if (n > MAX_CONTAINER) this.refuse(`a container of more than ${MAX_CONTAINER} items (the container length limit)`);
  }

  /** Sets the key, value pairs `items[from...]` on a dict or an object. */
  private setItems(target: PyValue, items: PyValue[], from: number): void {
    if ((items.length - from) % 2 !== 0) this.fail('a key has no value');
    if (target instanceof PyDict) this.checkLength(target.size + (items.length - from) / 2);
    else if (target instanceof PyObject) this.checkLength(target.dictItems.length + (items.length - from) / 2);
    if (target instanceof PyDict) {
      const map = target.map;
      for (let i = from; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    } else if (target instanceof PyObject) {
      for (let i = from; i < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
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
    // An entry nothing reads keeps a placeholder, not the value, so that the value can die young.
    const value = this.reads === undefined || this.reads.has(index) ? this.top() : (this.top(), UNREAD);
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
    if (v === UNREAD) throw new Error(`unpickle: memo entry ${index} was read, but the scan of memo reads missed it`);
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
        // Not through guard: no closure per call, the commonest opcode of a state dict.
        let value: PyValue;
        try {
          value = rec.call(args);
        } catch (err) {
          throw this.hookError(rec.qualifiedName, err);
        }
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
    try {
      return load.call(this.hooks, pid);
    } catch (err) {
      throw this.hookError('a persistent id', err);
    }
  }
}

// --- Helpers without machine state

/** BININT1's values, made once: most ints in a checkpoint are small (shapes, strides, flags). */
const SMALL_INTS: bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));
/** Ints below 2^16 (BININT2's range), each made the first time it is read, then shared. */
const INT_CACHE_SIZE = 0x1_0000;
const intCache: Array<bigint | undefined> = new Array<bigint | undefined>(INT_CACHE_SIZE).fill(undefined);

/** A small integer (a JS number that is an int) as a Python int, without a new BigInt for common values. */
function pyInt(v: number): bigint {
  if (v >= 0 && v < INT_CACHE_SIZE) return (intCache[v] ??= BigInt(v));
  return BigInt(v);
}

const EMPTY_TUPLE = new PyTuple([]);

/** What the memo holds for an entry the pickle never reads (one object, never handed out). */
const UNREAD = new PyTuple([]) as PyValue;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `items[from...]` onto `target`; avoids the spread operator, which overflows the call stack on very long APPENDS. */
function pushAll(target: PyValue[], items: PyValue[], from: number): void {
  for (let i = from; i < items.length; i++) target.push(items[i]);
}

/** The `__setstate__` a BUILD state puts on an instance: in its dict, or its slot state `(dict, slots)`. */
function stateSetter(state: PyValue | undefined): PyValue | undefined {
  const parts = state instanceof PyTuple && state.items.length === 2 ? state.items : [state];
  for (const part of parts) {
    if (part instanceof PyDict && part.map.has('__setstate__')) return part.map.get('__setstate__');
  }
  return undefined;
}

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return `a ${v.constructor.name}`;
  return `a ${typeof v}`;
}
