// Python values turned into what a report can carry: JSON for configs, a short type label and a
// short rendering for scalars. Checkpoint text is untrusted: these only build strings and data.
import { pyFloatRepr } from '../pickle/pyRepr';
import { PyByteArray, PyComplex, PyDict, PyGlobal, PyObject, PyOpaque, PySet, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { keyToString } from '../torch/tensorWalk';
import type { TensorRef } from '../torch/tensorRef';
import { setOwn } from './ownRecord';
import type { JsonValue } from '../json';

const MAX_DEPTH = 32;
const MAX_VALUES = 100_000;

function floatToJson(x: number): JsonValue {
  return Number.isFinite(x) ? x : String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
}

function tensorLabel(t: TensorRef): string {
  return `Tensor[${t.dtype.name}, ${t.shape.length ? t.shape.join('×') : 'scalar'}]`;
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/** JSON for a config-like value: ints beyond 2^53 and non-finite floats become strings. */
export function pyToJson(v: PyValue | undefined): JsonValue {
  // A budget of values, since shared sub-objects could otherwise expand exponentially.
  const budget = { left: MAX_VALUES };
  return toJson(v, 0, budget);
}

function toJson(v: PyValue | undefined, depth: number, budget: { left: number }): JsonValue {
  if (v === undefined || v === null) return null;
  if (depth > MAX_DEPTH || --budget.left < 0) return '…';
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return floatToJson(v);
  if (v instanceof Uint8Array || v instanceof PyByteArray) return shortValue(v) ?? 'bytes';
  if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1, budget));
  if (v instanceof PyTuple) return v.items.map((x) => toJson(x, depth + 1, budget));
  if (v instanceof PySet) return v.items.map((x) => toJson(x, depth + 1, budget));
  if (v instanceof PyDict) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of v.entries()) setOwn(out, keyToString(k), toJson(x, depth + 1, budget));
    return out;
  }
  if (v instanceof PyObject) {
    const state = v.state instanceof PyDict ? toJson(v.state, depth + 1, budget) : null;
    return state && typeof state === 'object' && !Array.isArray(state) ? state : `<${v.cls.qualifiedName}>`;
  }
  if (v instanceof PyComplex) return `(${v.real}${v.imag < 0 ? '-' : '+'}${Math.abs(v.imag)}j)`;
  if (v instanceof PyGlobal) return `<${v.qualifiedName}>`;
  if (v instanceof PyOpaque) return opaqueLabel(v);
  return null;
}

function opaqueLabel(v: PyOpaque): string {
  if (v.kind === 'tensor') return tensorLabel(v.payload as TensorRef);
  if (v.kind === 'dtype') return `torch.${(v.payload as { name: string }).name}`;
  if (v.kind === 'device') return `device('${String(v.payload)}')`;
  return v.kind;
}

/** A short Python-ish type: `OrderedDict[312]`, `dict[4]`, `list[2]`, `int`, `Tensor`, `Namespace`. */
export function typeLabel(v: PyValue | undefined): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (v instanceof PyByteArray) return `bytearray[${v.bytes.length}]`;
  if (Array.isArray(v)) return `list[${v.length}]`;
  if (v instanceof PyTuple) return `tuple[${v.items.length}]`;
  if (v instanceof PySet) return `${v.frozen ? 'frozenset' : 'set'}[${v.items.length}]`;
  if (v instanceof PyDict) return `${shortName(v.className)}[${v.size}]`;
  if (v instanceof PyComplex) return 'complex';
  if (v instanceof PyGlobal) return shortName(v.qualifiedName);
  if (v instanceof PyObject) return shortName(v.cls.qualifiedName);
  if (v instanceof PyOpaque) return v.kind === 'tensor' ? (v.payload as TensorRef).parameter ? 'Parameter' : 'Tensor' : v.kind;
  return 'object';
}

function bytesLiteral(bytes: Uint8Array, max = 24): string {
  let s = '';
  for (const b of bytes.subarray(0, max)) s += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `b'${s}${bytes.length > max ? '…' : ''}'`;
}

/** A short rendering of a scalar-like value, or undefined for containers. */
export function shortValue(v: PyValue | undefined, max = 80): string | undefined {
  let s: string | undefined;
  if (v === null || v === undefined) s = 'None';
  else if (typeof v === 'boolean') s = v ? 'True' : 'False';
  else if (typeof v === 'bigint') s = v.toString();
  else if (typeof v === 'number') s = pyFloatRepr(v);
  else if (typeof v === 'string') s = `'${v}'`;
  else if (v instanceof Uint8Array) s = bytesLiteral(v);
  else if (v instanceof PyByteArray) s = `bytearray(${bytesLiteral(v.bytes)})`;
  else if (v instanceof PyComplex || v instanceof PyGlobal) s = String(pyToJson(v));
  else if (v instanceof PyOpaque) s = opaqueLabel(v);
  if (s !== undefined && s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s;
}

/** A number from an int or float value (a metric, a step), if it is one. */
export function asNumber(v: PyValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return undefined;
}
