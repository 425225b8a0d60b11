// Where a writer's bytes go: positioned writes on one file handle, appended in order, with a way
// to patch a few bytes already written (a zip record's CRC-32, once its data has gone by).
import type { FileHandle } from 'node:fs/promises';

export class FileSink {
  /** Bytes written so far: where the next write lands. */
  position = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    const at = this.position;
    this.position += bytes.length;
    await this.writeAt(bytes, at);
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
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
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
