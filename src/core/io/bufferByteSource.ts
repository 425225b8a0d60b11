// A byte source over bytes already in memory: tests, small sidecar files, data built on the fly.

import { TruncatedError } from '../errors';
import { checkRange } from './binary';
import type { ByteSource } from './byteSource';

export class BufferByteSource implements ByteSource {
  private closed = false;

  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  /** A view on the wrapped bytes, no copy. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error('Cannot read: the in-memory byte source has been closed.');
    checkRange(offset, length);
    if (offset + length > this.bytes.length) throw new TruncatedError();
    return this.bytes.subarray(offset, offset + length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
