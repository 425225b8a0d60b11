// One side of a comparison: an opened checkpoint, where its bytes come from (so workers can read
// its tensors), and what the inspector reads from it besides tensors (step, epoch, metrics,
// config, architecture, the sidecar, the optimizers' settings). The session can hand over a
// checkpoint it already parsed; the CLI opens the file here.
import { basename } from 'node:path';
import { openCheckpoint } from '../checkpoint/openCheckpoint';
import { openManyFiles } from '../checkpoint/openManyFiles';
import { describeParts, describeWith, walkForReport } from '../inspect/describeCheckpoint';
import type { InspectReport, TensorRole } from '../inspect/report';
import type { Sidecar } from '../inspect/sidecar';
import { readSidecarFor, readSidecarFrom } from '../inspect/sidecar';
import type { ByteSource } from '../io/byteSource';
import type { SourceSpec } from '../io/sourceSpec';
import { openSource, sourceName } from '../io/sourceSpec';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { TensorOccurrence } from '../torch/tensorWalk';

export interface CompareSide {
  spec: SourceSpec;
  checkpoint: LoadedCheckpoint;
  /** The source's size in bytes. */
  size: number;
  /** nanochat's meta_<step>.json or a Trainer's trainer_state.json, when the file has one. */
  sidecar?: Sidecar;
}

/** What the comparison needs of a side: its tensors with their roles, and its non-tensor facts. */
export interface SideFacts {
  name: string;
  occurrences: TensorOccurrence[];
  roles: TensorRole[];
  /** Where the model's tensors sit ('' for a flat state dict); undefined when there are none. */
  modelKey: string | undefined;
  report: InspectReport;
  sidecar?: Sidecar;
}

export async function sideFacts(side: CompareSide): Promise<SideFacts> {
  const { checkpoint } = side;
  const name = sourceName(side.spec);
  const walk = walkForReport(checkpoint.root);
  const { occurrences } = walk;
  const parts = await describeParts({ file: name, name: basename(name), size: side.size, checkpoint, occurrences, walk, sidecar: side.sidecar });
  const report = describeWith(parts);
  // The report's rows are the occurrences in order, each with its role.
  const roles = report.tensors.map((t) => t.role);
  return { name, occurrences, roles, modelKey: report.modelKey, report, ...(side.sidecar ? { sidecar: side.sidecar } : {}) };
}

/**
 * Opens a side from its spec (with its sidecar, for files): a checkpoint file, or a checkpoint of
 * many files (see openManyFiles: a sharded set, a DCP folder, FSDP rank files; a path or a URL);
 * `close` releases its sources.
 */
export async function openCompareSide(spec: SourceSpec, options: { sidecars?: boolean } = {}): Promise<{ side: CompareSide; close: () => Promise<void> }> {
  const set = await openManyFiles(spec);
  if (set) {
    const sidecar = set.sidecar && options.sidecars !== false ? await readSidecarFrom(set.sidecar.name, set.sidecar.spec) : undefined;
    return { side: { spec, checkpoint: set.opened.checkpoint, size: set.opened.size, ...(sidecar ? { sidecar } : {}) }, close: () => set.opened.close() };
  }
  const source: ByteSource = await openSource(spec);
  try {
    const checkpoint = await openCheckpoint(source);
    const sidecar = spec.kind === 'file' && options.sidecars !== false ? await readSidecarFor(spec.path) : undefined;
    return { side: { spec, checkpoint, size: source.size, ...(sidecar ? { sidecar } : {}) }, close: () => source.close() };
  } catch (err) {
    await source.close();
    throw err;
  }
}
