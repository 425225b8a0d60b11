// The verdict on one file from its pickles alone, for the tree's marks and the folder scan: the
// zip directory and the pickles are read, never a tensor's bytes (security/scanFileVerdict.ts:
// every pickle of a zip, appended pickles, pickles inside bytes). The one place the extension's
// scan calls into the reader.
import { describeError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource } from '../io/sourceSpec';
import { checkpointVerdict } from '../security/checkpointVerdict';
import { scanFileVerdict } from '../security/scanFileVerdict';
import type { FileVerdict } from '../security/verdictMark';

export async function verdictOfSource(source: ByteSource): Promise<FileVerdict> {
  try {
    return await scanFileVerdict(source);
  } catch (err) {
    // An error that is not the file's (the disk, a read cut short): no verdict but the error.
    return { ...checkpointVerdict([]), error: { message: describeError(err) } };
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
