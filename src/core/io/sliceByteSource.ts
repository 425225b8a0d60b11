// A window on another byte source: bytes [start, start + size) read as a source of their own. DCP
// stores each tensor chunk as a whole torch.save archive at an offset inside a `.distcp` file;
// the zip reader opens it through this. Closing the window leaves the wrapped source open.
import { TruncatedError } from '../errors';
import { checkRange } from './binary';
import type { ByteSource } from './byteSource';

export class SliceByteSource implements ByteSource {
  constructor(
    private readonly source: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {
    if (start < 0 || size < 0 || start + size > source.size) throw new TruncatedError(`A range of ${size} bytes at ${start}`);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(offset, length);
    if (offset + length > this.size) return Promise.reject(new TruncatedError());
    return this.source.read(this.start + offset, length);
  }

  async close(): Promise<void> {
    // The wrapped source belongs to whoever opened it.
  }
}
