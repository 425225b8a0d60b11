// The sha256 of a whole file's bytes, read 4 MiB at a time into one reused buffer: Archive checks
// a copy against its source this way, on any size of file, without holding it in memory.
import { createHash } from 'node:crypto';
import { abortError } from '../errors';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import type { WorkOptions } from './workOptions';

const CHUNK = 4 * 1024 * 1024;

export async function sha256Of(spec: SourceSpec, options: WorkOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const source = await openSource(spec);
  try {
    const hash = createHash('sha256');
    const buffer = new Uint8Array(Math.min(CHUNK, Math.max(1, source.size)));
    for (let offset = 0; offset < source.size; ) {
      if (options.signal?.aborted) throw abortError();
      const length = Math.min(CHUNK, source.size - offset);
      const chunk = source.readInto && length === buffer.length ? await source.readInto(offset, buffer) : await source.read(offset, length);
      hash.update(chunk);
      offset += length;
      options.onProgress?.(offset, source.size);
    }
    return { sha256: hash.digest('hex'), bytes: source.size };
  } finally {
    await source.close();
  }
}
