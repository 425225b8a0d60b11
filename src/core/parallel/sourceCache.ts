// Open byte sources kept for reuse by a worker: hashing 60,000 small tensors must not open the
// file 60,000 times. Least recently used sources are closed past `capacity`.
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource, sourceKey } from '../io/sourceSpec';

export class SourceCache {
  private readonly open = new Map<string, Promise<ByteSource>>();

  constructor(private readonly capacity = 8) {}

  get(spec: SourceSpec): Promise<ByteSource> {
    const key = sourceKey(spec);
    let source = this.open.get(key);
    if (source) {
      this.open.delete(key);
      this.open.set(key, source);
      return source;
    }
    source = openSource(spec);
    // A failed open is not cached: the next task tries again (the file may have appeared).
    source.catch(() => this.open.delete(key));
    this.open.set(key, source);
    while (this.open.size > this.capacity) {
      const [oldest, pending] = this.open.entries().next().value as [string, Promise<ByteSource>];
      this.open.delete(oldest);
      void pending.then((s) => s.close(), () => undefined);
    }
    return source;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close(), () => undefined)));
  }
}
