// Typed errors for everything that can be wrong with a file. Each carries a `code` that callers
// can switch on and a message a user understands without a stack trace.

export type CheckpointErrorCode =
  | 'not-checkpoint'
  | 'lfs-pointer'
  | 'truncated'
  | 'missing-record'
  | 'corrupt'
  | 'unsupported-protocol'
  | 'unsupported';

import type { SecurityReport } from './inspect/report';
import type { CallLog } from './pickle/callLog';

export class CheckpointError extends Error {
  /**
   * The globals the file's pickles named before the failure, when any pickle was read: a broken
   * file can still be a hostile one.
   */
  globals?: string[];
  /** The calls recorded before the failure, with the globals (a broken file can still say what it would run). */
  calls?: CallLog;
  /** The verdict on those globals, set by inspectFile, so an error page can still warn. */
  security?: SecurityReport;
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export class NotCheckpointError extends CheckpointError {
  constructor(message = 'This file is not a PyTorch checkpoint or a safetensors file.') {
    super('not-checkpoint', message);
  }
}

export class LfsPointerError extends CheckpointError {
  constructor() {
    super('lfs-pointer', 'This file is a Git LFS pointer, not the checkpoint itself: run `git lfs pull` to fetch it.');
  }
}

export class TruncatedError extends CheckpointError {
  constructor(what = 'The file') {
    super('truncated', `${what} ends early: the checkpoint is truncated (an interrupted copy or a save that did not finish).`);
  }
}

export class MissingRecordError extends CheckpointError {
  constructor(record: string) {
    super('missing-record', `The checkpoint has no record "${record}": the archive is incomplete or corrupt.`);
  }
}

export class CorruptError extends CheckpointError {
  constructor(detail: string) {
    super('corrupt', `The checkpoint is corrupt: ${detail}`);
  }
}

/** How many tensor paths a damage message names before it says "and N more". */
const NAMED_TENSORS = 3;

/**
 * A record whose bytes fail the CRC-32 its central directory entry holds: the file was changed
 * after it was written (a bad disk, a broken copy). Names the record and, once the reader that
 * found it says so, the tensors whose bytes live in it.
 */
export class DamagedRecordError extends CorruptError {
  constructor(
    /** The zip entry's full name, e.g. `ckpt/data/3`. */
    readonly record: string,
    readonly storedCrc: number,
    readonly computedCrc: number,
    /** Paths of the tensors whose bytes the record holds, first-seen order. */
    readonly tensors: readonly string[] = [],
  ) {
    super(`${damagedWhat(record, tensors)} (stored ${hex(storedCrc)}, computed ${hex(computedCrc)}): the file changed after it was written.`);
  }

  /** The same error, naming the tensors that view the record (no-op when it already names some). */
  withTensors(paths: readonly string[]): DamagedRecordError {
    if (this.tensors.length > 0 || paths.length === 0) return this;
    const named = new DamagedRecordError(this.record, this.storedCrc, this.computedCrc, paths);
    named.globals = this.globals;
    named.security = this.security;
    return named;
  }
}

function damagedWhat(record: string, tensors: readonly string[]): string {
  if (tensors.length === 0) return `the record "${record}" fails its CRC-32 check`;
  if (tensors.length === 1) return `the bytes of tensor "${tensors[0]}" (record "${record}") fail their CRC-32 check`;
  const shown = tensors.slice(0, NAMED_TENSORS).map((t) => `"${t}"`);
  const more = tensors.length - shown.length;
  const list = more > 0 ? `${shown.join(', ')} and ${more} more` : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `the record "${record}", which holds the bytes of tensors ${list}, fails its CRC-32 check`;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export class UnsupportedProtocolError extends CheckpointError {
  constructor(detail: string) {
    super('unsupported-protocol', `Unsupported pickle: ${detail}`);
  }
}

export class UnsupportedError extends CheckpointError {
  constructor(detail: string) {
    super('unsupported', `Unsupported checkpoint: ${detail}`);
  }
}

/** Records on a CheckpointError the globals named (and calls recorded) before it was thrown; the first record wins. */
export function attachGlobals(err: unknown, globals: readonly string[], calls?: CallLog): void {
  if (!(err instanceof CheckpointError) || err.globals !== undefined || globals.length === 0) return;
  err.globals = [...globals];
  if (calls && calls.records.length > 0) err.calls = calls;
}

/** The one line to show a user for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof CheckpointError) return err.message;
  if (err && typeof err === 'object' && 'code' in err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') return 'No such file.';
    if (code === 'EACCES' || code === 'EPERM') return 'Permission denied.';
    if (code === 'EISDIR') return 'This is a folder, not a file.';
  }
  return err instanceof Error ? err.message : String(err);
}
