// What the files beside a checkpoint add to it: nanochat's `meta_<step>.json` (step, val_bpb,
// model_config, user_config, loop_state) and a Trainer's `trainer_state.json`. Parsing is the
// listing's; this picks the sidecar that belongs to one file and keeps its content too.
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseNanochatName } from '../listing/checkpointNames';
import { nanochatMetaInfo, readSidecar, trainerStateInfo } from '../listing/sidecars';
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

async function read(path: string, interpret: (value: unknown) => Sidecar): Promise<Sidecar | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  let result: Sidecar | undefined;
  const parsed = readSidecar(path, Number(info.size), Number(info.mtimeMs), (value) => {
    result = interpret(value);
    return result;
  });
  return parsed.problem ? undefined : result;
}

/** The sidecar of `file`, if it has one that reads. Never throws. */
export async function readSidecarFor(file: string): Promise<Sidecar | undefined> {
  const dir = dirname(file);
  const name = basename(file);
  const part = parseNanochatName(name);
  if (part && part.part !== 'meta') {
    const metaName = `meta_${String(part.step).padStart(6, '0')}.json`;
    return read(join(dir, metaName), (value) => {
      const info = nanochatMetaInfo(value);
      const values = isJsonObject(value) ? value : {};
      const { model_config: architecture, user_config: config } = values;
      return { source: metaName, ...info, values, ...(isJsonObject(architecture) ? { architecture } : {}), ...(isJsonObject(config) ? { config } : {}) };
    });
  }
  return read(join(dir, 'trainer_state.json'), (value) => ({ source: 'trainer_state.json', ...trainerStateInfo(value), values: isJsonObject(value) ? value : {} }));
}
