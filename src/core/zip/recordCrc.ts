// CRC-32 checks of stored records, made when their bytes are read, never when an archive is only
// opened: inspecting a checkpoint reads its pickle and nothing else. A reader that reads a record
// whole, in order, feeds its chunks to a running check at no extra read; any other reader has the
// record streamed once. Either way each record is checked at most once per archive.
import { crc32 } from 'node:zlib';
import { DamagedRecordError } from '../errors';
import type { ZipArchive, ZipEntry } from './zipArchive';

const CHUNK = 16 * 1024 * 1024;
const METHOD_STORED = 0;

/** A CRC-32 computed over a record's bytes as a reader goes through them in order. */
export interface RunningCrc {
  update(bytes: Uint8Array): void;
  /** Throws DamagedRecordError unless the bytes seen were the record's, whole and unchanged. */
  finish(): void;
}

export class RecordCrc {
  /** Per record: its check, done or under way; a failed one stays failed. */
  private readonly checks = new Map<ZipEntry, Promise<void>>();

  constructor(private readonly archive: ZipArchive) {}

  /**
   * Streams the record and compares its CRC-32, once: later calls share the result. Deflated
   * records need nothing here, since they are only ever read whole by readEntry, which checks.
   */
  verify(entry: ZipEntry, signal?: AbortSignal): Promise<void> {
    if (entry.method !== METHOD_STORED) return Promise.resolve();
    let check = this.checks.get(entry);
    if (!check) {
      check = this.stream(entry, signal);
      this.checks.set(entry, check);
      // A cancelled check proves nothing: forget it so the next reader checks again.
      check.catch(() => {
        if (signal?.aborted && this.checks.get(entry) === check) this.checks.delete(entry);
      });
    }
    return check;
  }

  /**
   * A running check for a reader about to read bytes [offset, offset + length) of the record in
   * order, or undefined when that is not the whole record or the record is already checked (or
   * being checked).
   */
  running(entry: ZipEntry, offset: number, length: number): RunningCrc | undefined {
    if (entry.method !== METHOD_STORED || offset !== 0 || length !== entry.uncompressedSize || this.checks.has(entry)) return undefined;
    let value = 0;
    let seen = 0;
    return {
      update: (bytes) => {
        value = crc32(bytes, value);
        seen += bytes.length;
      },
      finish: () => {
        if (seen !== entry.uncompressedSize) return; // the reader stopped early: nothing is known
        const actual = value >>> 0;
        if (actual === entry.crc32) {
          this.checks.set(entry, Promise.resolve());
          return;
        }
        const error = damaged(entry, actual);
        const failed = Promise.reject(error);
        failed.catch(() => undefined); // kept for later readers; this one gets the throw
        this.checks.set(entry, failed);
        throw error;
      },
    };
  }

  /**
   * The CRC-32 that bytes [offset, offset + length) of the record must have when they are the
   * whole stored record and it is not checked yet: a worker reading them can check them itself.
   */
  expected(entry: ZipEntry, offset: number, length: number): { record: string; crc32: number } | undefined {
    if (entry.method !== METHOD_STORED || offset !== 0 || length !== entry.uncompressedSize || this.checks.has(entry)) return undefined;
    return { record: entry.name, crc32: entry.crc32 };
  }

  /** Records the outcome of a check made elsewhere (a worker that read the record whole). */
  settle(entry: ZipEntry, error?: Error): void {
    if (this.checks.has(entry)) return;
    const outcome = error ? Promise.reject(error) : Promise.resolve();
    outcome.catch(() => undefined);
    this.checks.set(entry, outcome);
  }

  private async stream(entry: ZipEntry, signal?: AbortSignal): Promise<void> {
    let value = 0;
    for (let done = 0; done < entry.uncompressedSize; done += CHUNK) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
      const chunk = await this.archive.readStored(entry, done, Math.min(CHUNK, entry.uncompressedSize - done));
      value = crc32(chunk, value);
    }
    if (value >>> 0 !== entry.crc32) throw damaged(entry, value >>> 0);
  }
}

function damaged(entry: ZipEntry, actual: number): DamagedRecordError {
  return new DamagedRecordError(entry.name, entry.crc32, actual);
}
