// A verdict per file from the globals its pickles name, in the spirit of picklescan and the
// Hugging Face scanner: known inert reconstructions are safe, what dangerousGlobals.ts lists (can
// run commands, open files, import code, load another pickle) is dangerous, anything else is
// suspicious (it would need that class to be imported to load, and we cannot vouch for it).
import type { SecurityReport } from './securityReport';
import type { CallLog } from '../values/callLog';
import { python3QualifiedName } from '../pickle/python2Names';
import { dangerousCalls } from './callRecords';
import { isListedDangerous } from './dangerousGlobals';
import { reachedNames } from './reachedNames';

/** A global as written or under its Python 3 name (`__builtin__.set`, `commands.Popen`). */
function spellings(qualified: string): string[] {
  const py3 = python3QualifiedName(qualified);
  return py3 === qualified ? [qualified] : [qualified, py3];
}

/** Dangerous as written or under its Python 3 name (dangerousGlobals.ts's table). */
export function isDangerousName(qualified: string): boolean {
  return spellings(qualified).some(isListedDangerous);
}

export const isDangerousGlobal = isDangerousName;

/**
 * Classifies `globals` given the set of names (Python 3 spelling) the reader rebuilds as inert
 * data; with the pickle's call log, also says what loading would run.
 */
export function securityVerdict(globals: readonly string[], known: ReadonlySet<string>, calls?: CallLog): SecurityReport {
  const reached = calls ? reachedNames(calls).filter((n) => !globals.includes(n)) : [];
  const dangerous = [...globals.filter(isDangerousName), ...reached.filter(isDangerousName)];
  const suspicious = globals.filter((g) => !isDangerousName(g) && !spellings(g).some((n) => known.has(n)));
  const report: SecurityReport = {
    verdict: dangerous.length ? 'dangerous' : suspicious.length ? 'suspicious' : 'safe',
    globals: [...globals],
    dangerous,
    suspicious,
  };
  if (reached.length > 0) report.reached = reached;
  const would = calls ? dangerousCalls(calls, isDangerousName) : undefined;
  if (would && would.calls.length > 0) {
    report.calls = would.calls;
    if (would.omitted > 0) report.callsOmitted = would.omitted;
  }
  return report;
}
