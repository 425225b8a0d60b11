// A file (or an http(s) URL) in, one report out: a session opened on it for one question and closed again.
// For a caller that asks once (a test, a script); the CLI and the extension keep sessions open.
import type { InspectReport } from '../inspect/report';
import type { KernelPool } from '../parallel/kernelPool';
import { CheckpointSession } from './checkpointSession';
import type { WorkOptions } from './workOptions';
import { specOf } from '../io/sourceSpec';

export interface InspectOptions extends WorkOptions {
  /** Also hash every tensor's elements (reads all tensor bytes, checking each record's CRC-32). */
  sha256?: boolean;
  /** Read the sidecar (meta_<step>.json, trainer_state.json) beside the file; default true. */
  sidecars?: boolean;
  pool?: KernelPool;
}

export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const session = await CheckpointSession.open(specOf(path), { signal: options.signal, pool: options.pool, ...(options.sidecars === false ? { sidecar: null } : {}) });
  try {
    return options.sha256 ? await session.summaryWithHashes(options) : session.summary();
  } finally {
    await session.close();
  }
}
