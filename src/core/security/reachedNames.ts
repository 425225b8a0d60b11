// The names a pickle reaches at load time without naming them as globals: `getattr(X, 'system')`,
// `operator.attrgetter('system')(X)`, `importlib.import_module('os')`, `__import__('os')`,
// `pkgutil.resolve_name('os:system')` (picklescan #66). Read from the recorded calls, so that the
// verdict can name `os.system` when the pickle only names `builtins.getattr`.
import { python3QualifiedName } from '../pickle/python2Names';
import type { CallLog } from '../values/callLog';
import { PyGlobal, PyObject } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';

const IMPORTERS = new Set(['builtins.__import__', 'importlib.import_module', 'importlib.__import__']);
const GETATTRS = new Set(['builtins.getattr', 'inspect.getattr_static']);
const ATTRGETTERS = new Set(['operator.attrgetter', '_operator.attrgetter']);
const RESOLVERS = new Set(['pkgutil.resolve_name']);
/** Chains longer than this are not followed (a hostile pickle can nest calls deeply). */
const MAX_CHAIN = 16;

function calleeName(call: PyObject): string {
  return python3QualifiedName(call.cls.qualifiedName);
}

/** The dotted name `v` stands for at load time (a module or an attribute of one), if it can be told. */
function nameOf(v: PyValue | undefined, depth: number): string | undefined {
  if (depth > MAX_CHAIN) return undefined;
  if (v instanceof PyGlobal) return python3QualifiedName(v.qualifiedName);
  if (!(v instanceof PyObject)) return undefined;
  const callee = calleeName(v);
  const [first, second] = v.args;
  if (IMPORTERS.has(callee) && typeof first === 'string') return first;
  if (RESOLVERS.has(callee) && typeof first === 'string') return first.replace(':', '.');
  if (GETATTRS.has(callee) && typeof second === 'string') {
    const base = nameOf(first, depth + 1);
    return base === undefined ? undefined : `${base}.${second}`;
  }
  // attrgetter('a.b') is itself a call; calling its result on X reaches X.a.b.
  const getter = v.callee;
  if (getter instanceof PyObject && ATTRGETTERS.has(calleeName(getter)) && typeof getter.args[0] === 'string') {
    const base = nameOf(first, depth + 1);
    return base === undefined ? undefined : `${base}.${getter.args[0]}`;
  }
  return undefined;
}

/** What a recorded call calls: its global, or the name a computed callee reaches (`getattr(pickle, 'loads')`). */
export function calleeOf(call: PyObject): string | undefined {
  return call.callee === undefined ? calleeName(call) : nameOf(call.callee, 0);
}

/** The names the log's calls reach through imports and attribute lookups, first-seen order. */
export function reachedNames(log: CallLog): string[] {
  const out = new Set<string>();
  for (const call of log.records) {
    const callee = calleeName(call);
    const reaches = IMPORTERS.has(callee) || RESOLVERS.has(callee) || GETATTRS.has(callee) || call.callee instanceof PyObject;
    if (!reaches) continue;
    const name = nameOf(call, 0);
    if (name !== undefined) out.add(name);
  }
  return [...out];
}
