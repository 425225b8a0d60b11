// What every long request of a session takes: a signal to cancel it and a progress callback.
export interface WorkOptions {
  signal?: AbortSignal;
  /** Bytes of tensor data read so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
}

/** Below this many bytes of tensor data, work is done in place: a worker's message costs more. */
export const IN_PLACE_BYTES = 32 * 1024 * 1024;

/** A progress counter over several parts of one request. */
export function progressOf(total: number, options: WorkOptions): { add(bytes: number): void; part(): (doneInPart: number) => void } {
  let done = 0;
  const add = (bytes: number): void => {
    done += bytes;
    options.onProgress?.(Math.min(done, total), total);
  };
  return {
    add,
    part: () => {
      let seen = 0;
      return (doneInPart) => {
        add(doneInPart - seen);
        seen = doneInPart;
      };
    },
  };
}

/**
 * Runs `work` with a controller that is aborted with `parent` too, so one part of a request can
 * stop the others. The link to `parent` goes when `work` ends: a signal that outlives many
 * requests (a view's) keeps none of them reachable.
 */
export async function withLinkedStop<T>(parent: AbortSignal | undefined, work: (stop: AbortController) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const follow = (): void => stop.abort(parent?.reason);
  if (parent?.aborted) follow();
  else parent?.addEventListener('abort', follow, { once: true });
  try {
    return await work(stop);
  } finally {
    parent?.removeEventListener('abort', follow);
  }
}

/** All the parts' results; the first failure aborts `stop` (the others' signal), waits for them to end, and is thrown. */
export async function allOrStop<T>(parts: ReadonlyArray<Promise<T>>, stop: AbortController): Promise<T[]> {
  try {
    return await Promise.all(parts);
  } catch (err) {
    stop.abort();
    await Promise.allSettled(parts);
    throw err;
  }
}
