// Inspects one checkpoint file: opens it through a file byte source, reads only the records it
// needs, and (when asked) hashes each distinct tensor straight from the file.
import { basename } from 'node:path';
import { parseStepEpoch } from '../listing/checkpointNames';
import { FileByteSource } from '../io/fileByteSource';
import { openCheckpoint } from '../checkpoint/openCheckpoint';
import { walkTensors } from '../torch/tensorWalk';
import { hashTensors } from './hashTensors';
import { readModelCheckpoints } from './modelCheckpoint';
import { summarizeOptimizers } from './optimizerSummary';
import type { InspectReport } from './report';
import { readSidecarFor } from './sidecar';
import { readScalarMetrics } from './scalarMetrics';
import { summarize, topEntries } from './summarize';

export interface InspectOptions {
  /** Also hash every tensor's elements (reads all tensor bytes, checking each record's CRC-32). */
  sha256?: boolean;
  signal?: AbortSignal;
  /** Progress of the hashing, in bytes. */
  onProgress?: (done: number, total: number) => void;
  /** Read sidecars (meta_<step>.json, trainer_state.json) beside the file; default true. */
  sidecars?: boolean;
}

export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const source = await FileByteSource.open(path);
  try {
    // A CheckpointError thrown here carries the globals its pickles named: a caller can still judge it.
    const checkpoint = await openCheckpoint(source);
    const occurrences = walkTensors(checkpoint.root);
    const hashes = options.sha256 ? await hashTensors(checkpoint, occurrences, options) : undefined;
    const name = basename(path);
    const { step, epoch } = parseStepEpoch(name);
    const sidecar = options.sidecars === false ? undefined : await readSidecarFor(path);
    const entries = topEntries(checkpoint.root);
    const tensorMetrics = await readScalarMetrics(checkpoint, entries);
    const optimizers = await summarizeOptimizers(checkpoint);
    const modelCheckpoints = await readModelCheckpoints(checkpoint, new Map(entries).get('callbacks'));
    return summarize({
      file: path,
      size: source.size,
      checkpoint,
      occurrences,
      hashes,
      sidecar,
      tensorMetrics,
      optimizers,
      modelCheckpoints,
      ...(step !== null ? { nameStep: step } : {}),
      ...(epoch !== undefined ? { nameEpoch: epoch } : {}),
    });
  } finally {
    await source.close();
  }
}
