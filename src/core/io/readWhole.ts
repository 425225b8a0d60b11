// Small files read whole (sidecars such as meta_<step>.json and trainer_state.json) through the
// same source specs as checkpoints: a file path, or bytes another file system already read.
import { readFileSync } from 'node:fs';
import type { SourceSpec } from './sourceSpec';
import { openSource } from './sourceSpec';

export type WholeRead = { ok: true; bytes: Uint8Array } | { ok: false; problem: string };

function tooBig(limit: number): WholeRead {
  return { ok: false, problem: `larger than ${limit} bytes, not read` };
}

function unreadable(err: unknown): WholeRead {
  return { ok: false, problem: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
}

/**
 * Synchronous, for listings that read thousands of small files: a promise-based read costs four
 * thread-pool hops (open, stat, read, close). The caller has the size from its directory scan.
 */
export function readWholeSync(spec: SourceSpec, size: number, limit: number): WholeRead {
  if (size > limit) return tooBig(limit);
  if (spec.kind === 'memory') return { ok: true, bytes: spec.bytes };
  if (spec.kind === 'url') return { ok: false, problem: 'remote, not read by a listing' };
  try {
    return { ok: true, bytes: readFileSync(spec.path) };
  } catch (err) {
    return unreadable(err);
  }
}

/** The whole source, when it is at most `limit` bytes; `missing` when it does not exist. */
export async function readWhole(spec: SourceSpec, limit: number): Promise<WholeRead | { ok: false; problem: 'missing' }> {
  let source;
  try {
    source = await openSource(spec);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as { status?: number }).status === 404) return { ok: false, problem: 'missing' };
    return unreadable(err);
  }
  try {
    if (source.size > limit) return tooBig(limit);
    return { ok: true, bytes: source.size === 0 ? new Uint8Array(0) : (await source.read(0, source.size)).slice() };
  } catch (err) {
    return unreadable(err);
  } finally {
    await source.close();
  }
}
