// A nanochat step as one checkpoint. nanochat's save_checkpoint (nanochat/checkpoint_manager.py)
// has rank 0 write `model_<step>.pt` (the model's state dict) and `meta_<step>.json`, and every
// rank write its own `optim_<step>_rank<r>.pt` (its optimizers' state dicts, as a list). The step
// is named by its meta file, as a sharded set is by its index (load_checkpoint needs it too): it
// opens with the model file's tree under `model` and each rank's under `optim_rank<r>`, and
// meta_<step>.json as the sidecar it is for the model file alone. The model file and each
// optimizer file, named themselves, still open alone.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError, UnsupportedError } from '../errors';
import type { SourceSpec } from '../io/sourceSpec';
import { parseNanochatName } from './nanochatNames';
import type { KeyedFile } from './keyedFiles';
import { openKeyedFiles } from './keyedFiles';
import type { OpenedSet } from './openManyFiles';
import type { OpenedShards } from './shardedCheckpoint';

/** The files of one step, in the order they open: the model, then the ranks' optimizer files. */
export interface NanochatStep {
  step: number;
  meta: string;
  files: KeyedFile[];
}

/** `step 000100`, as the tree names the step. */
export function stepName(step: number): string {
  return `step ${String(step).padStart(6, '0')}`;
}

/**
 * nanochat's parts in a folder, by the step's digits as the names write them: `model_000200.pt`
 * and `model_0000200.pt` are not one step's files.
 */
async function partsIn(folder: string): Promise<Map<string, { step: number; model?: string; ranks: Map<number, string> }>> {
  const out = new Map<string, { step: number; model?: string; ranks: Map<number, string> }>();
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const part = parseNanochatName(name);
    if (!part || part.part === 'meta') continue;
    const digits = /^[a-z]+_(\d+)/.exec(name)![1]!;
    let g = out.get(digits);
    if (!g) out.set(digits, (g = { step: part.step, ranks: new Map() }));
    if (part.part === 'model') g.model = name;
    else g.ranks.set(part.rank, name);
  }
  return out;
}

/**
 * The step `spec` names as one checkpoint (its `meta_<step>.json`), or undefined. A folder of
 * nanochat steps is refused with the names to give instead: which step is meant is the user's.
 */
export async function nanochatStepOf(spec: SourceSpec): Promise<NanochatStep | undefined> {
  if (spec.kind !== 'file') return undefined;
  const own = parseNanochatName(basename(spec.path));
  if (own?.part === 'meta') return stepFiles(dirname(spec.path), own.step, /^meta_(\d+)/.exec(basename(spec.path))![1]!, spec.path);
  if (own) return undefined;
  const info = await stat(spec.path).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const steps = [...(await partsIn(spec.path)).values()].filter((g) => g.model).map((g) => g.step).sort((a, b) => a - b);
  if (steps.length === 0) return undefined;
  const last = String(steps[steps.length - 1]).padStart(6, '0');
  const shown = steps.length > 6 ? `${steps.slice(0, 3).join(', ')}, … ${steps.slice(-2).join(', ')}` : steps.join(', ');
  throw new UnsupportedError(
    `${basename(spec.path)} is a nanochat run folder (steps ${shown}): name one step, by its meta_${last}.json for the whole step (the model and every rank's optimizer state) or its model_${last}.pt for the model alone.`,
  );
}

async function stepFiles(folder: string, step: number, padded: string, meta: string): Promise<NanochatStep> {
  const g = (await partsIn(folder)).get(padded);
  if (!g?.model) throw new CheckpointError('missing-record', `model_${padded}.pt is missing: ${basename(meta)} names step ${step}, whose model file it is.`);
  const files: KeyedFile[] = [{ key: 'model', path: join(folder, g.model) }];
  const ranks = [...g.ranks.keys()].sort((a, b) => a - b);
  ranks.forEach((rank, i) => {
    if (rank !== i) {
      const have = ranks.map((r) => g.ranks.get(r)).join(', ');
      throw new CheckpointError('missing-record', `optim_${padded}_rank${i}.pt is missing: ${basename(folder)} has ${have} for step ${step}, and every rank from 0 saves one.`);
    }
    files.push({ key: `optim_rank${rank}`, path: join(folder, g.ranks.get(rank)!) });
  });
  return { step, meta, files };
}

/** The step opened, named by its meta file, which is also its sidecar. */
export async function openNanochatStep(step: NanochatStep, signal?: AbortSignal): Promise<OpenedSet> {
  const meta: SourceSpec = { kind: 'file', path: step.meta };
  return { index: meta, opened: await openStepFiles(step, signal), sidecar: { name: basename(step.meta), spec: meta } };
}

function openStepFiles(step: NanochatStep, signal?: AbortSignal): Promise<OpenedShards> {
  const ranks = step.files.length - 1;
  const note =
    ranks > 0
      ? `nanochat step ${step.step}: the model file under "model" and ${ranks} rank${ranks === 1 ? "'s" : "s'"} optimizer state under "optim_rank0"${ranks > 1 ? ` … "optim_rank${ranks - 1}"` : ''}.`
      : `nanochat step ${step.step}: the model file under "model"; the step saved no optimizer state.`;
  return openKeyedFiles(step.files, { index: stepName(step.step), note }, signal);
}
