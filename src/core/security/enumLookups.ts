// `builtins.getattr` is dangerous in a pickle (getattr(os, 'system')), but pickle itself writes
// every Enum member as `getattr(EnumClass, 'MEMBER')`: a DCP `.metadata` names getattr for its
// memory-format enum. Such a pickle is cleared of getattr only when nothing else in it could use
// getattr otherwise: every global it names is in the allowlist (inert classes whose unpickling
// calls none of their arguments), every getattr call is a lookup of a listed member on a listed
// enum, none was left out of the log, and no call has a computed callee.
import { python3QualifiedName } from '../pickle/python2Names';
import type { CallLog } from '../values/callLog';
import { PyGlobal } from '../values/pyValue';
import type { PyObject } from '../values/pyValue';

const GETATTR = 'builtins.getattr';
const DYNAMIC = '<dynamic>.call';

export interface EnumAllowlist {
  /** Every other global the pickle may name. */
  globals: ReadonlySet<string>;
  /** Enum class → its members. */
  enums: ReadonlyMap<string, ReadonlySet<string>>;
}

function isMemberLookup(call: PyObject, enums: EnumAllowlist['enums']): boolean {
  const [cls, member, ...rest] = call.args;
  if (call.kind !== 'reduce' || rest.length > 0 || call.kwargs || !(cls instanceof PyGlobal) || typeof member !== 'string') return false;
  return enums.get(python3QualifiedName(cls.qualifiedName))?.has(member) === true;
}

/**
 * The globals and call log to judge, without getattr and its enum lookups when the pickle's
 * only use of getattr is those (see above); else undefined.
 */
export function withoutEnumLookups(globals: readonly string[], calls: CallLog | undefined, allow: EnumAllowlist): { globals: string[]; calls: CallLog } | undefined {
  if (!calls || !globals.includes(GETATTR)) return undefined;
  if (!globals.every((g) => g === GETATTR || allow.globals.has(python3QualifiedName(g)) || allow.enums.has(python3QualifiedName(g)))) return undefined;
  if ((calls.omitted.get(GETATTR) ?? 0) > 0 || (calls.omitted.get(DYNAMIC) ?? 0) > 0) return undefined;
  const kept: PyObject[] = [];
  for (const call of calls.records) {
    const callee = python3QualifiedName(call.cls.qualifiedName);
    if (callee === DYNAMIC || call.callee !== undefined) return undefined;
    if (callee !== GETATTR) kept.push(call);
    else if (!isMemberLookup(call, allow.enums)) return undefined;
  }
  return { globals: globals.filter((g) => g !== GETATTR), calls: { records: kept, omitted: calls.omitted } };
}
