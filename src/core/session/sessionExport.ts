// Export for inference from an open session: the parse the inspector already made is reused, and
// the writing runs where the session runs (the session worker, off the extension host's thread).
import type { ExportOptions, ExportResult } from '../export/exportCheckpoint';
import { exportCheckpoint } from '../export/exportCheckpoint';
import { ExportInputError } from '../export/modelWeights';
import type { CheckpointSession } from './checkpointSession';

/** Exports the checkpoint a session has open (a file on this machine, or a URL). */
export async function exportFromSession(session: CheckpointSession, options: ExportOptions & { sourceSha256?: string }): Promise<ExportResult> {
  const spec = session.spec;
  if (spec.kind === 'memory') throw new ExportInputError('only a checkpoint on this machine\'s file system or at a URL can be exported.');
  const summary = session.summary();
  const path = spec.kind === 'file' ? spec.path : spec.url;
  return exportCheckpoint({ checkpoint: session.checkpoint, path, spec, size: summary.size, step: summary.step, sha256: options.sourceSha256, recordCrcs: session.recordCrcs() }, options);
}
