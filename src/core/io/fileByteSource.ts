// A byte source over a file on disk: positioned reads on one file handle, so files of any size
// (fs.readFile refuses those over 2 GiB) are read piece by piece and never held whole.

import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { TruncatedError } from '../errors';
import { checkRange } from './binary';
import { BlockCache } from './blockCache';
import type { ByteSource } from './byteSource';

// One read(2) moves at most about 2 GiB on Linux; larger requests are split.
const MAX_CHUNK = 1 << 30;
/**
 * Reads that touch one or two 256 KiB blocks come from a cache of 16 blocks (see blockCache.ts):
 * a zip's local headers and small tensors are read a block at a time, not one trip to the disk each.
 */
const SMALL_READS = { blockSize: 256 * 1024, cacheBytes: 4 * 1024 * 1024, directBlocks: 3 };

export class FileByteSource implements ByteSource {
  private handle: FileHandle | undefined;
  private closing: Promise<void> | undefined;
  private readonly cache: BlockCache;

  private constructor(
    handle: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {
    this.handle = handle;
    this.cache = new BlockCache(size, SMALL_READS, (from, to) => this.readFresh(from, to - from));
  }

  static async open(path: string): Promise<FileByteSource> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) {
        throw Object.assign(new Error(`${path} is a folder, not a file.`), { code: 'EISDIR' });
      }
      return new FileByteSource(handle, path, stat.size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** A fresh array of exactly `length` bytes. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!this.handle) throw new Error(`Cannot read ${this.path}: the file has been closed.`);
    checkRange(offset, length);
    if (offset + length > this.size) throw new TruncatedError();
    return this.cache.read(offset, length);
  }

  private async readFresh(offset: number, length: number): Promise<Uint8Array> {
    const handle = this.handle;
    if (!handle) throw new Error(`Cannot read ${this.path}: the file has been closed.`);
    // Every byte is overwritten by the reads below (or the read throws), so skip the zero fill.
    // Unpooled, so the array owns its whole ArrayBuffer; a plain Uint8Array, not a Buffer.
    const out = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(out, done, Math.min(length - done, MAX_CHUNK), offset + done);
      // Zero bytes before the size fstat gave: the file shrank while open (a copy being replaced).
      if (bytesRead === 0) throw new TruncatedError();
      done += bytesRead;
    }
    return out;
  }

  /** The open handle, once `length` bytes from `offset` are known to lie inside the file. */
  private handleFor(offset: number, length: number): FileHandle {
    const handle = this.handle;
    if (!handle) throw new Error(`Cannot read ${this.path}: the file has been closed.`);
    checkRange(offset, length);
    if (offset + length > this.size) throw new TruncatedError();
    return handle;
  }

  async readInto(offset: number, target: Uint8Array): Promise<Uint8Array> {
    const handle = this.handleFor(offset, target.length);
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, Math.min(target.length - done, MAX_CHUNK), offset + done);
      if (bytesRead === 0) throw new TruncatedError();
      done += bytesRead;
    }
    return target;
  }

  readIntoSync(offset: number, target: Uint8Array): Uint8Array {
    const { fd } = this.handleFor(offset, target.length);
    for (let done = 0; done < target.length; ) {
      const bytesRead = readSync(fd, target, done, Math.min(target.length - done, MAX_CHUNK), offset + done);
      if (bytesRead === 0) throw new TruncatedError();
      done += bytesRead;
    }
    return target;
  }

  close(): Promise<void> {
    if (!this.closing) {
      const handle = this.handle;
      this.handle = undefined;
      this.cache.clear();
      this.closing = handle ? handle.close() : Promise.resolve();
    }
    return this.closing;
  }
}
