// Pins, notes and archive records of a run's checkpoints, as the state file beside the run
// keeps them. The file sits in a folder anyone may write to, so it is read as untrusted JSON:
// every field is checked, keys never touch a prototype, and a bad entry is skipped, not fatal.
// Pure: reading and writing the file is marksFile.ts.

/** The state file's name, in the run's folder (a nanochat tag, a folder of checkpoints). */
export const MARKS_FILE = '.checkpoint-manager.json';
export const MARKS_VERSION = 1;
/** A note is a short label ("the one in the paper"), not a document. */
export const MAX_NOTE_CHARS = 500;
/** Copies recorded per checkpoint. */
const MAX_ARCHIVE_RECORDS = 50;
/** A path or URI of a copy. */
const MAX_PLACE_CHARS = 2000;

/** One verified copy of a checkpoint somewhere else. */
export interface ArchiveRecord {
  /** Where the copy is: a path or a URI. */
  to: string;
  /** When it was written and verified (ISO 8601). */
  at: string;
}

export interface CheckpointMark {
  pinned?: boolean;
  /** A note pins the checkpoint too. */
  note?: string;
  /** Copies made by Archive; any copy pins the source against pruning. */
  archived?: ArchiveRecord[];
}

/** Marks by checkpoint key (see listing/checkpointKey.ts). A Map: keys are untrusted text. */
export type RunMarks = Map<string, CheckpointMark>;

export interface ParsedMarks {
  marks: RunMarks;
  /** Why some or all of the file was not understood; the marks hold what was. */
  problem?: string;
  /** The file says it was written by a newer version: read what is known, never rewrite it. */
  newer?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What pruning must respect: a pin, a note, or a copy somewhere. */
export function isProtectedMark(mark: CheckpointMark | undefined): boolean {
  return !!mark && (mark.pinned === true || !!mark.note || (mark.archived?.length ?? 0) > 0);
}

/** A mark with nothing in it is no mark. */
function isEmpty(mark: CheckpointMark): boolean {
  return !mark.pinned && !mark.note && !mark.archived?.length;
}

/** One line of at most `max` characters: control characters (terminal escapes too) become spaces. */
function flatText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A note as stored: one line, trimmed, cut to MAX_NOTE_CHARS. */
export function cleanNote(text: string): string {
  return flatText(text, MAX_NOTE_CHARS);
}

function parseMark(v: unknown): CheckpointMark | undefined {
  if (!isRecord(v)) return undefined;
  const mark: CheckpointMark = {};
  if (v.pinned === true) mark.pinned = true;
  if (typeof v.note === 'string' && cleanNote(v.note)) mark.note = cleanNote(v.note);
  if (Array.isArray(v.archived)) {
    const records = v.archived
      .filter((r): r is Record<string, unknown> => isRecord(r) && typeof r.to === 'string' && r.to !== '')
      .slice(0, MAX_ARCHIVE_RECORDS)
      .map((r) => ({ to: flatText(r.to as string, MAX_PLACE_CHARS), at: typeof r.at === 'string' ? flatText(r.at, 40) : '' }));
    if (records.length > 0) mark.archived = records;
  }
  return isEmpty(mark) ? undefined : mark;
}

/** The marks a state file's text holds. Never throws. */
export function parseRunMarks(text: string): ParsedMarks {
  const marks: RunMarks = new Map();
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { marks, problem: 'not valid JSON' };
  }
  if (!isRecord(value)) return { marks, problem: 'not a JSON object' };
  const out: ParsedMarks = { marks };
  if (typeof value.version === 'number' && value.version > MARKS_VERSION) {
    out.newer = true;
    out.problem = `written by a newer version (format ${value.version})`;
  }
  if (value.checkpoints === undefined) return out;
  if (!isRecord(value.checkpoints)) return { ...out, problem: '"checkpoints" is not an object' };
  let skipped = 0;
  for (const [key, v] of Object.entries(value.checkpoints)) {
    const mark = parseMark(v);
    if (mark) marks.set(key, mark);
    else if (!isRecord(v)) skipped++;
  }
  if (skipped > 0 && !out.problem) out.problem = `${skipped} entries are not objects and were skipped`;
  return out;
}

/** The file's text for `marks`: keys sorted, empty marks left out, one entry per line. */
export function serializeRunMarks(marks: RunMarks): string {
  const keys = [...marks.keys()].filter((k) => !isEmpty(marks.get(k)!)).sort();
  const lines = keys.map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(marks.get(k))}`);
  const body = lines.length > 0 ? `{\n${lines.join(',\n')}\n  }` : '{}';
  return `{\n  "version": ${MARKS_VERSION},\n  "checkpoints": ${body}\n}\n`;
}

/** `mark` with `change` applied; undefined when nothing is left in it. */
export function changeMark(mark: CheckpointMark | undefined, change: MarkChange): CheckpointMark | undefined {
  const next: CheckpointMark = { ...mark };
  if (mark?.archived) next.archived = [...mark.archived];
  switch (change.kind) {
    case 'pin':
      if (change.pinned) next.pinned = true;
      else delete next.pinned;
      break;
    case 'note': {
      const note = change.note === undefined ? '' : cleanNote(change.note);
      if (note) next.note = note;
      else delete next.note;
      break;
    }
    case 'archive':
      next.archived = [...(next.archived ?? []), change.record].slice(-MAX_ARCHIVE_RECORDS);
      break;
  }
  return isEmpty(next) ? undefined : next;
}

export type MarkChange =
  | { kind: 'pin'; pinned: boolean }
  /** An empty or undefined note removes it. */
  | { kind: 'note'; note: string | undefined }
  | { kind: 'archive'; record: ArchiveRecord };
