// What the files beside a checkpoint add to it: nanochat's `meta_<step>.json` (step, val_bpb,
// model_config, user_config, loop_state) and a Trainer's `trainer_state.json`. Parsing is the
// listing's; this picks the sidecar that belongs to one file and keeps its content too. Sidecars
// are read through source specs, as checkpoints are: a path here, or bytes the extension read
// through another file system.
import { basename, dirname, join } from 'node:path';
import type { SourceSpec } from '../io/sourceSpec';
import { readWhole } from '../io/readWhole';
import { parseNanochatName } from '../checkpoint/nanochatNames';
import type { SidecarInfo } from '../listing/listingTypes';
import { MAX_SIDECAR_BYTES, nanochatMetaInfo, parseSidecarJson, trainerStateInfo } from '../listing/sidecars';
import type { JsonValue } from '../json';

export interface Sidecar {
  /** The sidecar's file name, for the report's notes. */
  source: string;
  step?: number;
  metrics: Record<string, number>;
  /** nanochat's `model_config`. */
  architecture?: { [key: string]: JsonValue };
  /** nanochat's `user_config`: the run's settings. */
  config?: { [key: string]: JsonValue };
  /** The whole parsed file. */
  values: { [key: string]: JsonValue };
}

function isJsonObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The one sidecar a checkpoint of this name may have: `meta_<step>.json` for nanochat parts, else `trainer_state.json`. */
export function sidecarNameFor(checkpointName: string): string | undefined {
  const part = parseNanochatName(checkpointName);
  if (part) return part.part === 'meta' ? undefined : `meta_${String(part.step).padStart(6, '0')}.json`;
  return 'trainer_state.json';
}

/** Where the sidecar of a checkpoint on this machine would be. */
export function sidecarSpecFor(file: string): { name: string; spec: SourceSpec } | undefined {
  const name = sidecarNameFor(basename(file));
  return name ? { name, spec: { kind: 'file', path: join(dirname(file), name) } } : undefined;
}

function interpret(name: string, value: unknown): Sidecar {
  const values = isJsonObject(value) ? value : {};
  if (name === 'trainer_state.json') return { source: name, ...trainerStateInfo(value), values };
  const info: SidecarInfo = nanochatMetaInfo(value);
  const { model_config: architecture, user_config: config } = values;
  return { source: name, ...info, values, ...(isJsonObject(architecture) ? { architecture } : {}), ...(isJsonObject(config) ? { config } : {}) };
}

/** The sidecar named `name`, read from `spec`, if it exists and reads. Never throws. */
export async function readSidecarFrom(name: string, spec: SourceSpec): Promise<Sidecar | undefined> {
  const read = await readWhole(spec, MAX_SIDECAR_BYTES);
  if (!read.ok) return undefined;
  const parsed = parseSidecarJson(read.bytes);
  if (!parsed.ok) return undefined;
  const sidecar = interpret(name, parsed.value);
  return 'problem' in sidecar && sidecar.problem ? undefined : sidecar;
}

/** The sidecar of a checkpoint on this machine, if it has one that reads. Never throws. */
export async function readSidecarFor(file: string): Promise<Sidecar | undefined> {
  const where = sidecarSpecFor(file);
  return where ? readSidecarFrom(where.name, where.spec) : undefined;
}
