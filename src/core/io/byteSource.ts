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
   * Optional: fills `target` with the bytes from `offset` (TruncatedError past the end). For
   * readers that stream a range through buffers they reuse: a fresh array per chunk costs a
   * page fault per 4 KiB, which is most of the time of reading from the page cache.
   */
  readInto?(offset: number, target: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
