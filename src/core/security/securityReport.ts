// The verdict on a file's pickles and what it rests on: made by verdict.ts, shown by every front end.

export type Verdict = 'safe' | 'suspicious' | 'dangerous';

export interface SecurityReport {
  verdict: Verdict;
  /** Every `module.name` the file's pickles named, in first-seen order. */
  globals: string[];
  /**
   * Names the pickle reaches at load time without naming them as globals (`getattr(X, 'system')`,
   * `importlib.import_module('os')`): see reachedNames.ts. Absent when there are none.
   */
  reached?: string[];
  /** The globals (and reached names) that made the verdict dangerous. */
  dangerous: string[];
  /** The globals that are neither known-safe nor known-dangerous. */
  suspicious: string[];
  /**
   * What loading would run: each call the pickle asks of a dangerous global (or of what one
   * returns), with its arguments, as inert Python-like text, e.g. `posix.system('touch /tmp/x')`.
   * Kept even when the pickle throws the call's result away. Absent when there is none.
   */
  calls?: string[];
  /** Further dangerous calls left out of `calls` (a pickle repeating one call many times). */
  callsOmitted?: number;
}
