// Overlaps reading with computing: asks the source for its next chunk before the consumer works
// on the current one, so a positioned read runs on libuv's thread pool while the loop runs here.
// Only for sources whose chunks stay valid after the next one is asked for (every reader in the
// core allocates a fresh array per chunk, or returns views on memory it never reuses).

export async function* prefetch<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = it.next();
      // A rejection of the read ahead is seen when it is awaited; until then keep it quiet.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await it.return?.();
  }
}
