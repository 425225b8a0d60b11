// The verdict on one file from its pickles alone, for the tree's marks and the folder scan: the
// zip directory and the pickle are read, never a tensor's bytes. The one place the extension's
// scan calls into the reader; issue 12's core scan (security/scanFileVerdict) replaces the body.
import { openCheckpoint } from '../checkpoint/openCheckpoint';
import { CheckpointError, describeError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import { checkpointVerdict } from '../security/checkpointVerdict';
import type { FileVerdict } from '../security/verdictMark';

export async function verdictOfSource(source: ByteSource): Promise<FileVerdict> {
  try {
    const checkpoint = await openCheckpoint(source);
    return checkpointVerdict(checkpoint.globals, checkpoint.calls);
  } catch (err) {
    const evidence = err instanceof CheckpointError ? err.globals : undefined;
    const code = err instanceof CheckpointError ? err.code : undefined;
    return { ...checkpointVerdict(evidence ?? [], err instanceof CheckpointError ? err.calls : undefined), error: { message: describeError(err), ...(code ? { code } : {}) } };
  }
}

/** Opens `spec`, judges it and closes it again. A file that cannot be opened is an error verdict. */
export async function verdictOf(spec: SourceSpec): Promise<FileVerdict> {
  let source: ByteSource;
  try {
    source = await openSource(spec);
  } catch (err) {
    return { ...checkpointVerdict([]), error: { message: describeError(err) } };
  }
  try {
    return await verdictOfSource(source);
  } finally {
    await source.close();
  }
}
