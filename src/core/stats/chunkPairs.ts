// Two byte streams of one length walked side by side: pairs of equal-length pieces of whole
// elements, whatever sizes each stream's chunks come in (a contiguous tensor and a gathered
// strided one chunk differently). Each stream reads ahead one chunk, so both files' reads overlap
// the work.
import { wholeElements } from './tensorStats';

export async function* chunkPairs(a: AsyncIterable<Uint8Array>, b: AsyncIterable<Uint8Array>, unit: number): AsyncGenerator<[Uint8Array, Uint8Array]> {
  const ia = wholeElements(a, unit)[Symbol.asyncIterator]();
  const ib = wholeElements(b, unit)[Symbol.asyncIterator]();
  let ra: Uint8Array = new Uint8Array(0);
  let rb: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      if (ra.length === 0) {
        const next = await ia.next();
        if (next.done) break;
        ra = next.value;
        continue;
      }
      if (rb.length === 0) {
        const next = await ib.next();
        if (next.done) throw new Error('the second tensor ended before the first (the shapes differ).');
        rb = next.value;
        continue;
      }
      const n = Math.min(ra.length, rb.length);
      yield [ra.subarray(0, n), rb.subarray(0, n)];
      ra = ra.subarray(n);
      rb = rb.subarray(n);
    }
    if (rb.length > 0 || !(await ib.next()).done) throw new Error('the first tensor ended before the second (the shapes differ).');
  } finally {
    await ia.return?.(undefined);
    await ib.return?.(undefined);
  }
}

/** The first `length` bytes of a stream. */
export async function* takeBytes(chunks: AsyncIterable<Uint8Array>, length: number): AsyncGenerator<Uint8Array> {
  let left = length;
  if (left <= 0) return;
  for await (const chunk of chunks) {
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    yield part;
    if (left <= 0) return;
  }
}
