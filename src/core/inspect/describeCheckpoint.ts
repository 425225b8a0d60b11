// The report on one opened checkpoint: its tensors, parameters, keys, metrics, optimizers and
// verdict, with the sidecar beside it and (when asked) each tensor's sha256. The reads it makes
// are small: one-element metric tensors and optimizer settings.
import { parseStepEpoch } from '../listing/checkpointNames';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { RootWalk, TensorOccurrence } from '../torch/tensorWalk';
import { walkRoot } from '../torch/tensorWalk';
import type { PyValue } from '../values/pyValue';
import { readModelCheckpoints } from './modelCheckpoint';
import { summarizeOptimizers } from './optimizerSummary';
import type { InspectReport } from './report';
import type { Sidecar } from './sidecar';
import { readScalarMetrics } from './scalarMetrics';
import { summarize, topEntries } from './summarize';
import { isOptimizerDict } from './tensorRoles';
import type { SummarizeInput } from './summarize';

export interface DescribeInput {
  /** What the report calls the file: its path, or the URI it came from. */
  file: string;
  /** The file's base name, which may carry a step or epoch. */
  name: string;
  size: number;
  checkpoint: LoadedCheckpoint;
  occurrences: readonly TensorOccurrence[];
  /** The walk that found the occurrences, when it was walkRoot's (see SummarizeInput). */
  walk?: RootWalk;
  sidecar?: Sidecar;
}

/**
 * The walk a report wants of a checkpoint's root: its tensors, and on the way what its counts
 * would otherwise walk the root again for (the optimizer state dicts, where each key's tensors are).
 */
export function walkForReport(root: PyValue): RootWalk {
  return walkRoot(root, isOptimizerDict);
}

/** Everything the report needs that reads tensors; computed once per open file. */
export type ReportParts = SummarizeInput;

export async function describeParts(input: DescribeInput): Promise<ReportParts> {
  const { checkpoint } = input;
  const { step, epoch } = parseStepEpoch(input.name);
  const entries = topEntries(checkpoint.root);
  return {
    file: input.file,
    size: input.size,
    checkpoint,
    occurrences: input.occurrences,
    ...(input.walk ? { walk: input.walk } : {}),
    sidecar: input.sidecar,
    tensorMetrics: await readScalarMetrics(checkpoint, entries),
    optimizers: await summarizeOptimizers(checkpoint),
    modelCheckpoints: await readModelCheckpoints(checkpoint, new Map(entries).get('callbacks')),
    ...(step !== null ? { nameStep: step } : {}),
    ...(epoch !== undefined ? { nameEpoch: epoch } : {}),
  };
}

export function describeWith(parts: ReportParts): InspectReport {
  return summarize(parts);
}

/**
 * The report with each tensor's sha256 (hashes by tensor identity), placed after its role as the
 * report's fields go; nothing else in a report depends on the hashes, so nothing else is redone
 * (summarizing again cost a 60,000-tensor checkpoint 400 ms).
 */
export function withHashes(report: InspectReport, occurrences: readonly TensorOccurrence[], hashes: ReadonlyMap<object, string>): InspectReport {
  const tensors = report.tensors.map((info, i) => {
    const sha256 = hashes.get(occurrences[i]!.tensor);
    if (sha256 === undefined) return info;
    const { path, dtype, shape, nbytes, role, ...rest } = info;
    return { path, dtype, shape, nbytes, role, sha256, ...rest };
  });
  return { ...report, tensors };
}
