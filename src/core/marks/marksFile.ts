// Reading and writing a run's state file (`.checkpoint-manager.json` in the run's folder).
// Reads are synchronous and capped (the listing reads one per run, as it reads sidecars);
// writes are atomic and refuse to replace a file they could not read, so a damaged or newer
// file is never overwritten with less than it held.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { MARKS_FILE, changeMark, parseRunMarks, serializeRunMarks } from './checkpointMarks';
import type { MarkChange, ParsedMarks, RunMarks } from './checkpointMarks';

/** Far more than any run's pins and notes; a bigger file is not read. */
export const MAX_MARKS_BYTES = 1024 * 1024;

export type RunMarksErrorCode = 'unreadable' | 'newer-version' | 'not-writable';

/** A state file that cannot be changed; `not-writable` tells a caller to keep marks elsewhere. */
export class RunMarksError extends Error {
  constructor(
    readonly code: RunMarksErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RunMarksError';
  }
}

export interface MarksRead extends ParsedMarks {
  /** The state file's path. */
  path: string;
  /** False when there is no state file (no marks yet). */
  exists: boolean;
  /** True when some of the marks come from the fallback store (the folder was not writable). */
  fallback?: boolean;
}

/**
 * Where a run's marks are kept when its folder cannot be written (a read-only mount, a shared
 * checkpoint store): the extension keeps them in workspace state. Text as in the state file.
 */
export interface MarksFallback {
  get(runDir: string): string | undefined;
  set(runDir: string, text: string | undefined): void | PromiseLike<void>;
}

let fallback: MarksFallback | undefined;

/** Sets (or, with undefined, removes) the store for runs whose folder is not writable. */
export function useMarksFallback(store: MarksFallback | undefined): void {
  fallback = store;
}

/** The file's marks with the fallback store's for this run on top (they are the later ones). */
function withFallback(runDir: string, read: MarksRead): MarksRead {
  const text = fallback?.get(runDir);
  if (text === undefined) return read;
  const kept = parseRunMarks(text);
  if (kept.problem) return read;
  const marks = new Map(read.marks);
  for (const [key, mark] of kept.marks) marks.set(key, mark);
  return { ...read, marks, fallback: true };
}

export function marksPath(runDir: string): string {
  return join(runDir, MARKS_FILE);
}

/** The marks of the run in `runDir`. Never throws: what went wrong is in `problem`. */
export function readRunMarks(runDir: string): MarksRead {
  return withFallback(runDir, readMarksFile(runDir));
}

function readMarksFile(runDir: string): MarksRead {
  const path = marksPath(runDir);
  let text: string;
  try {
    // No throw for the common case, a run without marks: the listing asks once per run.
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return { path, exists: false, marks: new Map() };
    // Sized first: a huge file under this name is never read into memory.
    if (stat.size > MAX_MARKS_BYTES) return { path, exists: true, marks: new Map(), problem: `larger than ${MAX_MARKS_BYTES} bytes, not read` };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, exists: false, marks: new Map() };
    return { path, exists: true, marks: new Map(), problem: `unreadable (${code ?? 'error'})` };
  }
  return { path, exists: true, ...parseRunMarks(text) };
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Applies `change` to the mark of checkpoint `key` and writes the file. Throws RunMarksError when
 * the file is there but unreadable or from a newer version, or when the folder is not writable and
 * there is no fallback store (with one, the marks go there, and move back into the file the next
 * time it can be written).
 */
export async function updateRunMark(runDir: string, key: string, change: MarkChange): Promise<RunMarks> {
  const read = readRunMarks(runDir);
  if (read.newer) throw new RunMarksError('newer-version', `${read.path} was ${read.problem}: it is left as it is.`);
  if (read.exists && read.problem) {
    throw new RunMarksError('unreadable', `${read.path} is ${read.problem}: fix or remove it before pinning here.`);
  }
  const marks = read.marks;
  const next = changeMark(marks.get(key), change);
  if (next) marks.set(key, next);
  else marks.delete(key);
  try {
    await writeFileAtomic(read.path, serializeRunMarks(marks));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (!NOT_WRITABLE.has(code)) throw err;
    if (!fallback) throw new RunMarksError('not-writable', `${runDir} is not writable (${code}).`);
    await fallback.set(runDir, serializeRunMarks(marks));
    return marks;
  }
  if (read.fallback) await fallback?.set(runDir, undefined); // moved into the file
  return marks;
}

export function setPinned(runDir: string, key: string, pinned: boolean): Promise<RunMarks> {
  return updateRunMark(runDir, key, { kind: 'pin', pinned });
}

/** A note pins the checkpoint; an empty note removes it. */
export function setNote(runDir: string, key: string, note: string | undefined): Promise<RunMarks> {
  return updateRunMark(runDir, key, { kind: 'note', note });
}

export function addArchiveRecord(runDir: string, key: string, to: string, at = new Date()): Promise<RunMarks> {
  return updateRunMark(runDir, key, { kind: 'archive', record: { to, at: at.toISOString() } });
}
