// Python values as Python's repr() would print them, bounded: long strings are cut, containers
// show their first items, nesting stops at a depth. Used to show what a hostile pickle would call
// with which arguments. Every character outside printable text is escaped, so the result is inert
// wherever it is printed (a terminal, a page).
import { PyByteArray, PyComplex, PyDict, PyGlobal, PyObject, PyOpaque, PySet, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';

export interface ReprLimits {
  /** Characters of a str (bytes of a bytes) shown before the cut. */
  maxString: number;
  /** Items of a container shown before `…`. */
  maxItems: number;
  /** Containers and calls nested deeper than this print as `…`. */
  maxDepth: number;
}

export const DEFAULT_REPR_LIMITS: ReprLimits = { maxString: 200, maxItems: 8, maxDepth: 4 };

/** The callee of a call on another call's result (see the unpickler's DYNAMIC_CALL). */
const DYNAMIC_CALLEE = '<dynamic>.call';

/** Python's repr of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const e = Number(exponent);
  const digits = mantissa.replace('.', '');
  if (e >= -4 && e < 16) {
    if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
    const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
    return `${sign}${whole}.${digits.slice(e + 1) || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python prints a complex's parts without `.0`, and leaves out a real part of +0. */
function complexRepr(c: PyComplex): string {
  const part = (x: number): string => pyFloatRepr(x).replace(/\.0$/, '');
  const imag = `${part(Math.abs(c.imag))}j`;
  if (c.real === 0 && !Object.is(c.real, -0)) return c.imag < 0 || Object.is(c.imag, -0) ? `-${imag}` : imag;
  return `(${part(c.real)}${c.imag < 0 || Object.is(c.imag, -0) ? '-' : '+'}${imag})`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's quote choice: single quotes unless the text holds `'` and no `"`. */
function quoteFor(text: string): string {
  return text.includes("'") && !text.includes('"') ? '"' : "'";
}

function strRepr(s: string, limits: ReprLimits): string {
  const cut = s.length > limits.maxString;
  const head = cut ? s.slice(0, limits.maxString) : s;
  const q = quoteFor(head);
  let out = q;
  for (const ch of head) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === q) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return `${out}${q}${cut ? `…(${s.length} chars)` : ''}`;
}

function bytesRepr(bytes: Uint8Array, limits: ReprLimits): string {
  const cut = bytes.length > limits.maxString;
  const head = cut ? bytes.subarray(0, limits.maxString) : bytes;
  const text = String.fromCharCode(...head.subarray(0, Math.min(head.length, 4096)));
  const q = quoteFor(text);
  let out = `b${q}`;
  for (const b of head) {
    const ch = String.fromCharCode(b);
    if (ch === '\\' || ch === q) out += `\\${ch}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${hex(b, 2)}`;
    else out += ch;
  }
  return `${out}${q}${cut ? `…(${bytes.length} bytes)` : ''}`;
}

function itemsRepr(items: readonly PyValue[], open: string, close: string, depth: number, limits: ReprLimits): string {
  const shown = items.slice(0, limits.maxItems).map((x) => pyRepr(x, limits, depth + 1));
  if (items.length > limits.maxItems) shown.push('…');
  return `${open}${shown.join(', ')}${close}`;
}

function dictRepr(pairs: ReadonlyArray<[PyValue, PyValue]>, depth: number, limits: ReprLimits): string {
  const shown = pairs.slice(0, limits.maxItems).map(([k, v]) => `${pyRepr(k, limits, depth + 1)}: ${pyRepr(v, limits, depth + 1)}`);
  if (pairs.length > limits.maxItems) shown.push('…');
  return `{${shown.join(', ')}}`;
}

/** A recorded call as Python source: `posix.system('touch /tmp/x')`, `f(...)(...)` for calls on results. */
export function callRepr(obj: PyObject, limits: ReprLimits = DEFAULT_REPR_LIMITS, depth = 0): string {
  if (depth > limits.maxDepth) return '…';
  const callee = obj.cls.qualifiedName === DYNAMIC_CALLEE && obj.callee !== undefined ? pyRepr(obj.callee, limits, depth + 1) : obj.cls.qualifiedName;
  const args = obj.args.slice(0, limits.maxItems).map((a) => pyRepr(a, limits, depth + 1));
  if (obj.args.length > limits.maxItems) args.push('…');
  if (obj.kwargs) {
    for (const [k, v] of [...obj.kwargs.entries()].slice(0, limits.maxItems)) {
      args.push(`${typeof k === 'string' ? k : pyRepr(k, limits, depth + 1)}=${pyRepr(v, limits, depth + 1)}`);
    }
  }
  return `${callee}(${args.join(', ')})`;
}

function opaqueRepr(v: PyOpaque): string {
  const payload = v.payload as { dtype?: { name: string }; shape?: number[]; name?: string };
  if (v.kind === 'tensor' && payload.dtype && payload.shape) return `tensor(dtype=torch.${payload.dtype.name}, shape=[${payload.shape.join(', ')}])`;
  if (v.kind === 'dtype' && typeof payload.name === 'string') return `torch.${payload.name}`;
  if (v.kind === 'device') return `device('${String(v.payload)}')`;
  return `<${v.kind}>`;
}

/** Python's repr of `v`, within `limits`. */
export function pyRepr(v: PyValue | undefined, limits: ReprLimits = DEFAULT_REPR_LIMITS, depth = 0): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'string') return strRepr(v, limits);
  if (v instanceof Uint8Array) return bytesRepr(v, limits);
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (v instanceof PyOpaque) return opaqueRepr(v);
  if (v instanceof PyComplex) return complexRepr(v);
  if (depth > limits.maxDepth) return '…';
  if (v instanceof PyByteArray) return `bytearray(${bytesRepr(v.bytes, limits)})`;
  if (Array.isArray(v)) return itemsRepr(v, '[', ']', depth, limits);
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${pyRepr(v.items[0], limits, depth + 1)},)` : itemsRepr(v.items, '(', ')', depth, limits);
  if (v instanceof PySet) {
    if (v.items.length === 0) return v.frozen ? 'frozenset()' : 'set()';
    const body = itemsRepr(v.items, '{', '}', depth, limits);
    return v.frozen ? `frozenset(${body})` : body;
  }
  if (v instanceof PyDict) return dictRepr([...v.entries()], depth, limits);
  if (v instanceof PyObject) return callRepr(v, limits, depth);
  return '?';
}
