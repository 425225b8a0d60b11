// What the fuzz suite runs on each case: everything the inspector does with a file it opens (open,
// walk the tensors, build the report, hash a few small tensors, which checks their records' CRC)
// and the cheap security scan. It must end with a result or a typed CheckpointError; anything
// else thrown is a crash.
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { CheckpointError } from '../../src/core/errors';
import { describeParts, describeWith } from '../../src/core/inspect/describeCheckpoint';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { scanFileVerdict } from '../../src/core/security/scanFileVerdict';
import { tensorSha256 } from '../../src/core/torch/tensorBytes';
import { tensorNbytes } from '../../src/core/torch/tensorRef';
import { distinctTensors, walkTensors } from '../../src/core/torch/tensorWalk';

/** Tensors hashed per case, and the largest hashed: enough to reach the CRC and stride paths. */
const HASHED = 4;
const MAX_HASHED_BYTES = 1 << 20;

export type Outcome = 'ok' | CheckpointError['code'];

export async function readAll(bytes: Uint8Array): Promise<{ read: Outcome; scan: Outcome }> {
  const source = new BufferByteSource(bytes);
  let read: Outcome;
  try {
    const checkpoint = await openCheckpoint(source);
    const occurrences = walkTensors(checkpoint.root);
    const parts = await describeParts({ file: 'fuzz', name: 'fuzz.pt', size: bytes.length, checkpoint, occurrences });
    JSON.stringify(describeWith(parts));
    const small = distinctTensors(occurrences).filter((t) => tensorNbytes(t.payload) <= MAX_HASHED_BYTES);
    for (const t of small.slice(0, HASHED)) await tensorSha256(checkpoint, t.payload);
    read = 'ok';
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    read = err.code;
  }
  const verdict = await scanFileVerdict(source);
  return { read, scan: verdict.error?.code === 'io' ? 'corrupt' : (verdict.error?.code ?? 'ok') };
}
