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

import type { CallLog } from './values/callLog';

/**
 * What a file's pickles named before a failure: a broken file can still be a hostile one, so a
 * caller can still judge it (security/checkpointVerdict.ts).
 */
export interface PickleEvidence {
  /** Every `module.name` named, in first-seen order. */
  readonly globals: readonly string[];
  /** The calls recorded instead of made. */
  readonly calls?: CallLog;
}

export class CheckpointError extends Error {
  /** The globals the file's pickles named before the failure; absent when they named none. */
  readonly globals?: readonly string[];
  /** The calls recorded before the failure, with the globals; absent when there were none. */
  readonly calls?: CallLog;
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
    evidence?: PickleEvidence,
  ) {
    super(message);
    this.name = 'CheckpointError';
    if (evidence && evidence.globals.length > 0) {
      this.globals = [...evidence.globals];
      if (evidence.calls && evidence.calls.records.length > 0) this.calls = evidence.calls;
    }
  }

  /** The evidence this error carries, to hand on to a new one. */
  get evidence(): PickleEvidence | undefined {
    return this.globals ? { globals: this.globals, calls: this.calls } : undefined;
  }

  /**
   * The same failure carrying `evidence` instead, as a new error: for an error made where the
   * pickles' globals were not known (a hook of the unpickler, a byte source). Thrown errors are
   * never changed.
   */
  withEvidence(evidence: PickleEvidence): CheckpointError {
    return new CheckpointError(this.code, this.message, evidence);
  }
}

export class NotCheckpointError extends CheckpointError {
  constructor(message = 'This file is not a PyTorch checkpoint or a safetensors file.', evidence?: PickleEvidence) {
    super('not-checkpoint', message, evidence);
  }
  override withEvidence(evidence: PickleEvidence): NotCheckpointError {
    return new NotCheckpointError(this.message, evidence);
  }
}

export class LfsPointerError extends CheckpointError {
  constructor(evidence?: PickleEvidence) {
    super('lfs-pointer', 'This file is a Git LFS pointer, not the checkpoint itself: run `git lfs pull` to fetch it.', evidence);
  }
  override withEvidence(evidence: PickleEvidence): LfsPointerError {
    return new LfsPointerError(evidence);
  }
}

export class TruncatedError extends CheckpointError {
  constructor(
    /** What ends early: `The file`, `The pickle`, `The record data/0`. */
    readonly what = 'The file',
    evidence?: PickleEvidence,
  ) {
    super('truncated', `${what} ends early: the checkpoint is truncated (an interrupted copy or a save that did not finish).`, evidence);
  }
  override withEvidence(evidence: PickleEvidence): TruncatedError {
    return new TruncatedError(this.what, evidence);
  }
}

export class MissingRecordError extends CheckpointError {
  constructor(
    readonly record: string,
    evidence?: PickleEvidence,
  ) {
    super('missing-record', `The checkpoint has no record "${record}": the archive is incomplete or corrupt.`, evidence);
  }
  override withEvidence(evidence: PickleEvidence): MissingRecordError {
    return new MissingRecordError(this.record, evidence);
  }
}

export class CorruptError extends CheckpointError {
  constructor(
    readonly detail: string,
    evidence?: PickleEvidence,
  ) {
    super('corrupt', `The checkpoint is corrupt: ${detail}`, evidence);
  }
  override withEvidence(evidence: PickleEvidence): CorruptError {
    return new CorruptError(this.detail, evidence);
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
    evidence?: PickleEvidence,
  ) {
    super(`${damagedWhat(record, tensors)} (stored ${hex(storedCrc)}, computed ${hex(computedCrc)}): the file changed after it was written.`, evidence);
  }

  /** The same error, naming the tensors that view the record (no-op when it already names some). */
  withTensors(paths: readonly string[]): DamagedRecordError {
    if (this.tensors.length > 0 || paths.length === 0) return this;
    return new DamagedRecordError(this.record, this.storedCrc, this.computedCrc, paths, this.evidence);
  }

  override withEvidence(evidence: PickleEvidence): DamagedRecordError {
    return new DamagedRecordError(this.record, this.storedCrc, this.computedCrc, this.tensors, evidence);
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
  constructor(
    readonly detail: string,
    evidence?: PickleEvidence,
  ) {
    super('unsupported-protocol', `Unsupported pickle: ${detail}`, evidence);
  }
  override withEvidence(evidence: PickleEvidence): UnsupportedProtocolError {
    return new UnsupportedProtocolError(this.detail, evidence);
  }
}

export class UnsupportedError extends CheckpointError {
  constructor(
    readonly detail: string,
    evidence?: PickleEvidence,
  ) {
    super('unsupported', `Unsupported checkpoint: ${detail}`, evidence);
  }
  override withEvidence(evidence: PickleEvidence): UnsupportedError {
    return new UnsupportedError(this.detail, evidence);
  }
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

/** The error a cancelled piece of work fails with. */
export function abortError(): Error {
  return Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
}

/** Throws when `signal` has fired: its reason if that is an Error, else an AbortError "Cancelled.". */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
}
