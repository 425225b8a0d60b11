// The one way the core reads bytes: random access by offset, so that a checkpoint of many
// gigabytes is never held in memory. Implementations: a Node file handle, an in-memory buffer.

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`. Throws TruncatedError when the range passes the end.
   * The returned array may be a view on a shared buffer: copy it to keep it past the next read.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Fills `target` with the bytes from `offset` and returns it: for a stream that reuses its
   * buffers instead of allocating one per chunk. Optional; sources in memory need no copy.
   */
  readInto?(offset: number, target: Uint8Array): Promise<Uint8Array>;
  /**
   * readInto without a round trip through libuv's thread pool: for a worker thread's tight loop
   * over bytes already in the page cache (parallel/equalBytes.ts). Optional; files have it.
   */
  readIntoSync?(offset: number, target: Uint8Array): Uint8Array;
  close(): Promise<void>;
}
