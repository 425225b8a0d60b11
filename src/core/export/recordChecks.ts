// The CRC-32 checks of the source records an export copies, made by a kernel worker that reads
// each record again beside the copy, on the other core: on the copying thread they took a third of
// a .pt export's time. A record not handed out (no worker, too few bytes, a URL, a record that is
// checked already) is checked on the way as before. A file is renamed into place only once the
// records it holds have passed; a failed check stops the copy at its next chunk.
import { stat } from 'node:fs/promises';
import { DamagedRecordError } from '../errors';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { CrcCheck } from '../torch/tensorBytes';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import type { PlannedTensor } from './exportPlan';

/**
 * The CRC-32 of each storage's whole record, computed off this thread: one promise per storage,
 * in order; or undefined when they are better checked here.
 */
export type RecordCrcs = (storages: readonly StorageRef[], signal: AbortSignal) => Array<Promise<number>> | undefined;

/** The source was written to during the export. */
export class SourceChangedError extends Error {
  readonly code = 'source-changed';
  override readonly name = 'SourceChangedError';
}

export class RecordChecks {
  private readonly checks = new Map<StorageRef, Promise<void>>();
  private failure: { error: unknown } | undefined;
  /** The source files as they were before the checks started (size, times, inode). */
  private stamps: Array<{ path: string; stamp: string }> = [];

  constructor(
    private readonly ckpt: LoadedCheckpoint,
    private readonly tensors: readonly PlannedTensor[],
    private readonly crcs: RecordCrcs | undefined,
  ) {}

  private handedBytes = 0;

  /** Bytes of the records handed to a worker: counted by start, before any of their checks can settle. */
  get handedOut(): number {
    return this.handedBytes;
  }

  /**
   * Hands the records out, before the copy starts. Each record that passes while `signal` has not
   * aborted (the export has not ended) is told to `onPassed` with its size, so that progress can
   * count the checks too (out of handedOut). The source files
   * (`paths`) are noted first: a worker's check reads a record again, not the copy's own bytes, so
   * a source rewritten in between would pass a check the copy did not (see checkUnchanged).
   */
  async start(paths: readonly string[], signal: AbortSignal, onPassed?: (bytes: number) => void): Promise<void> {
    const integrity = this.ckpt.integrity;
    if (!this.crcs || !integrity) return;
    // Records stored whole and not yet checked, with the CRC-32 each was written with.
    const records = [...new Set(this.tensors.map((t) => t.ref.storage))]
      .map((storage) => ({ storage, expected: integrity.expected(storage, storage.byteOffset ?? 0, storage.nbytes) }))
      .filter((r) => r.expected !== undefined);
    if (records.length === 0) return;
    const stamps = await Promise.all(paths.map(async (path) => ({ path, stamp: await stampOf(path) })));
    const computed = this.crcs(records.map((r) => r.storage), signal);
    if (!computed) return;
    this.stamps = stamps;
    records.forEach(({ storage, expected }, i) => {
      const { crc32: stored, record } = expected!;
      this.handedBytes += storage.nbytes;
      const check = computed[i].then((actual) => {
        if (actual !== stored) {
          const names = this.tensors.filter((t) => t.ref.storage === storage).map((t) => t.name);
          const error = new DamagedRecordError(record, stored, actual, names);
          integrity.settle(storage, error);
          throw error;
        }
        integrity.settle(storage);
        if (!signal.aborted) onPassed?.(storage.nbytes);
      });
      check.catch((error: unknown) => {
        this.failure ??= { error };
      });
      this.checks.set(storage, check);
    });
  }

  /** Throws unless the source files are as they were when the checks started. */
  async checkUnchanged(): Promise<void> {
    for (const { path, stamp } of this.stamps) {
      if ((await stampOf(path)) !== stamp) throw new SourceChangedError(`${path} changed while it was being exported, so nothing was written: export it again once it is saved.`);
    }
  }

  /** How the copy reads this tensor's record: not at all where a worker checks it. */
  mode(t: TensorRef): CrcCheck {
    return this.checks.has(t.storage) ? 'elsewhere' : 'always';
  }

  /** Throws what a worker's check found, so that the copy stops at its next chunk. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the checks of these tensors' records: a file holding them is renamed only after. */
  async passed(tensors: readonly PlannedTensor[]): Promise<void> {
    const pending = [...new Set(tensors.map((t) => this.checks.get(t.ref.storage)))].filter((c) => c !== undefined);
    await Promise.all(pending);
  }
}

async function stampOf(path: string): Promise<string> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : 'missing';
}
