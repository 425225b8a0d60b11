// The calls a pickle asked for that were recorded instead of made (unknown callables, calls on
// call results). A hostile pickle can POP a call's result so that it never reaches the final
// object; the log keeps it, so a report can still say what loading would have run.
import type { PyObject } from './pyValue';

export interface CallLog {
  /** In the order the pickle made them; at most MAX_CALLS_PER_CALLEE (unpickler.ts) per callee. */
  readonly records: readonly PyObject[];
  /** Calls left out of `records` by that bound, by callee (`module.name`, or `<dynamic>.call`). */
  readonly omitted: ReadonlyMap<string, number>;
}

export const EMPTY_CALL_LOG: CallLog = { records: [], omitted: new Map() };

/** One log for several pickles of one file (the legacy format has five). */
export function mergeCallLogs(logs: readonly CallLog[]): CallLog {
  const omitted = new Map<string, number>();
  for (const log of logs) for (const [name, n] of log.omitted) omitted.set(name, (omitted.get(name) ?? 0) + n);
  return { records: logs.flatMap((l) => l.records), omitted };
}
