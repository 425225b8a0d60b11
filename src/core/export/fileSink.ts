// Where a writer's bytes go: positioned writes on one file handle, appended in order, with a way
// to patch a few bytes already written (a zip record's CRC-32, once its data has gone by).
// Every `syncEvery` bytes it starts an fdatasync in the background (one at a time), so the disk
// writes while the export reads on, and the fsync before the rename has little left to do. A file
// that will not be flushed before its rename (a new target; see writeStreamAtomic) passes Infinity.
import type { FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../errors';

/** The part of a file handle the sink uses. */
export type SinkHandle = Pick<FileHandle, 'write' | 'datasync'>;

export const SYNC_EVERY = 64 * 1024 * 1024;

export class FileSink {
  /** Bytes written so far: where the next write lands. */
  position = 0;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private syncError: unknown;

  constructor(
    private readonly handle: SinkHandle,
    private readonly syncEvery = SYNC_EVERY,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.throwSyncError();
    const at = this.position;
    this.position += bytes.length;
    await this.writeAt(bytes, at);
    this.unsynced += bytes.length;
    if (this.unsynced >= this.syncEvery && !this.syncing) this.startSync();
  }

  /** Waits for the background sync, if one runs, and throws what any of them failed with. */
  async settled(): Promise<void> {
    await this.syncing;
    this.throwSyncError();
  }

  private startSync(): void {
    this.unsynced = 0;
    this.syncing = this.handle.datasync().then(
      () => undefined,
      (err: unknown) => {
        this.syncError ??= err;
      },
    ).finally(() => {
      this.syncing = undefined;
    });
  }

  private throwSyncError(): void {
    if (this.syncError !== undefined) throw this.syncError;
  }

  async writeAt(bytes: Uint8Array, at: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, at + done);
      done += bytesWritten;
    }
  }

  /**
   * Appends every chunk, `inspect`ing each as it arrives. The next chunk is read while the last
   * one is written (the tensor streams keep a chunk valid while the next two are read).
   * Returns how many bytes went by.
   */
  async pipe(chunks: AsyncIterable<Uint8Array>, inspect?: (chunk: Uint8Array) => void, signal?: AbortSignal): Promise<number> {
    const it = chunks[Symbol.asyncIterator]();
    let total = 0;
    let pending: Promise<void> | undefined;
    try {
      for (;;) {
        const next = await it.next();
        if (pending) await pending;
        if (next.done) break;
        throwIfAborted(signal);
        inspect?.(next.value);
        total += next.value.length;
        pending = this.write(next.value);
      }
    } finally {
      if (pending) await pending.catch(() => undefined);
      await it.return?.(undefined);
    }
    return total;
  }
}
