// What a hostile pickle would run: the recorded calls whose callee is a dangerous global, or the
// result of one (`getattr(__import__('os'), 'system')(...)`), rendered as inert text. A call that
// only builds the callee or an argument of another such call is shown inside that one, not twice.
import type { CallLog } from '../values/callLog';
import { callRepr, DEFAULT_REPR_LIMITS } from '../pickle/pyRepr';
import { PyDict, PyGlobal, PyObject, PySet, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';

// A call is searched as deep and as wide as callRepr prints it: what is not printed inside
// another call is shown on its own.
const MAX_NESTING = DEFAULT_REPR_LIMITS.maxDepth;
const MAX_ITEMS = DEFAULT_REPR_LIMITS.maxItems;
/** Longest text per call; callRepr's limits usually keep it far shorter. */
export const MAX_CALL_TEXT = 600;

/** The calls nested in `v` (as callee or argument), down to MAX_NESTING. */
function nestedCalls(v: PyValue | undefined, depth: number, out: Set<PyObject>): void {
  if (depth > MAX_NESTING || v === undefined || v === null || typeof v !== 'object') return;
  const items = Array.isArray(v) ? v : v instanceof PyTuple || v instanceof PySet ? v.items : v instanceof PyDict ? [...v.map.values()] : undefined;
  if (items) {
    for (const x of items.slice(0, MAX_ITEMS)) nestedCalls(x, depth + 1, out);
    return;
  }
  if (!(v instanceof PyObject)) return;
  out.add(v);
  nestedParts(v, depth + 1, out);
}

/** The calls in a call's callee and arguments. */
function nestedParts(call: PyObject, depth: number, out: Set<PyObject>): void {
  nestedCalls(call.callee, depth, out);
  for (const a of call.args.slice(0, MAX_ITEMS)) nestedCalls(a, depth, out);
  if (call.kwargs) for (const x of [...call.kwargs.map.values()].slice(0, MAX_ITEMS)) nestedCalls(x, depth, out);
}

/** True when the call's callee is a dangerous global, or is built by a call that involves one. */
function callsDanger(obj: PyObject, isDangerous: (name: string) => boolean): boolean {
  const inside = new Set<PyObject>();
  nestedCalls(obj, 0, inside);
  for (const call of inside) {
    if (isDangerous(call.cls.qualifiedName)) return true;
    if (call.callee instanceof PyGlobal && isDangerous(call.callee.qualifiedName)) return true;
  }
  return false;
}

function clip(text: string): string {
  return text.length > MAX_CALL_TEXT ? `${text.slice(0, MAX_CALL_TEXT - 1)}…` : text;
}

/** The dangerous calls in `log` as text, outermost first-seen, and how many the log left out. */
export function dangerousCalls(log: CallLog, isDangerous: (name: string) => boolean): { calls: string[]; omitted: number } {
  const dangerous = log.records.filter((r) => callsDanger(r, isDangerous));
  const inner = new Set<PyObject>();
  for (const r of dangerous) nestedParts(r, 1, inner);
  const calls = dangerous.filter((r) => !inner.has(r)).map((r) => clip(callRepr(r)));
  let omitted = 0;
  for (const [name, n] of log.omitted) if (isDangerous(name)) omitted += n;
  return { calls, omitted };
}
