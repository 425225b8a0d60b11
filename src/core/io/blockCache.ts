// Small reads served from aligned blocks of a source, least recently used out: a zip's local
// headers, a pickle, a safetensors header and thousands of small tensors then cost one fetch per
// block instead of one per read. Over HTTP a fetch is a request; on a file it is a trip through
// libuv's thread pool (tens of microseconds each: 120,000 of them made hashing a checkpoint of
// 60,000 small tensors take 8 s). Reads of several blocks or more are tensor bytes read once, and
// go straight to the source.

export interface BlockCacheOptions {
  /** Bytes per block. */
  blockSize: number;
  /** Bytes of blocks kept. */
  cacheBytes: number;
  /** A read that spans this many blocks or more skips the cache. */
  directBlocks: number;
}

/** Fetches bytes from..to (to exclusive, within the source's size). */
export type BlockFetch = (from: number, to: number) => Promise<Uint8Array>;

export class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(
    private readonly size: number,
    private readonly options: BlockCacheOptions,
    private readonly fetch: BlockFetch,
  ) {}

  /** A fresh copy of `length` bytes from `offset` (the caller has checked the range). */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const block = this.options.blockSize;
    const first = Math.floor(offset / block);
    const last = Math.floor((offset + length - 1) / block);
    if (last - first + 1 >= this.options.directBlocks) return this.fetch(offset, offset + length);
    const blocks = await this.fill(first, last);
    const out = new Uint8Array(length);
    for (let b = first; b <= last; b++) {
      const bytes = blocks[b - first];
      const start = b * block;
      const from = Math.max(offset, start);
      const to = Math.min(offset + length, start + bytes.length);
      out.set(bytes.subarray(from - start, to - start), from - offset);
    }
    return out;
  }

  /** Keeps bytes fetched otherwise (they start at a block's start), as block `index` onwards. */
  keep(index: number, bytes: Uint8Array): void {
    const block = this.options.blockSize;
    for (let i = 0; i * block < bytes.length; i++) {
      const piece = bytes.length <= block ? bytes : bytes.slice(i * block, Math.min(bytes.length, (i + 1) * block));
      this.blocks.delete(index + i);
      this.blocks.set(index + i, piece);
    }
    const most = Math.max(1, Math.floor(this.options.cacheBytes / block));
    while (this.blocks.size > most) this.blocks.delete(this.blocks.keys().next().value!);
  }

  clear(): void {
    this.blocks.clear();
  }

  /**
   * Blocks first..last, fetching those not cached, a run of neighbours per fetch. Returned, not
   * looked up again: reads running meanwhile may have pushed some out of the cache.
   */
  private async fill(first: number, last: number): Promise<Uint8Array[]> {
    const block = this.options.blockSize;
    const out: Uint8Array[] = [];
    let b = first;
    while (b <= last) {
      const cached = this.blocks.get(b);
      if (cached) {
        // Most recently used last.
        this.blocks.delete(b);
        this.blocks.set(b, cached);
        out.push(cached);
        b++;
        continue;
      }
      let end = b;
      while (end + 1 <= last && !this.blocks.has(end + 1)) end++;
      const bytes = await this.fetch(b * block, Math.min(this.size, (end + 1) * block));
      for (let i = b; i <= end; i++) out.push(bytes.subarray((i - b) * block, Math.min(bytes.length, (i - b + 1) * block)));
      this.keep(b, bytes);
      b = end + 1;
    }
    return out;
  }
}
