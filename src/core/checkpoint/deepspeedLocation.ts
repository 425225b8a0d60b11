// Which argument names a DeepSpeed checkpoint: its tag folder (`global_stepN/`, as
// engine.save_checkpoint leaves it), one of the `*_model_states.pt` / `*_optim_states.pt` files in
// it, or the save folder above holding `latest` (which names the tag). Local paths only: a URL
// cannot list a folder's partitions.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors';
import { readWhole } from '../io/readWhole';
import type { SourceSpec } from '../io/sourceSpec';
import { LATEST_FILE, parseDeepspeedName } from './deepspeedNames';

/** `latest` holds a tag of a few characters. */
const MAX_LATEST_BYTES = 4096;

export interface DeepspeedFolder {
  /** The tag folder. */
  folder: string;
  /** The DeepSpeed files in it, by name. */
  names: string[];
}

async function deepspeedNamesIn(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.filter((n) => parseDeepspeedName(n) !== undefined).sort();
}

/** The tag `latest` names, checked to be one folder beside it. */
async function latestTag(saveDir: string): Promise<string | undefined> {
  const latest = join(saveDir, LATEST_FILE);
  if (!(await stat(latest).catch(() => undefined))?.isFile()) return undefined;
  const text = await readWhole({ kind: 'file', path: latest }, MAX_LATEST_BYTES);
  if (!text.ok) throw new CheckpointError('not-checkpoint', `${latest}: ${text.problem}.`);
  const tag = new TextDecoder().decode(text.bytes).trim();
  if (tag === '' || tag === '.' || tag === '..' || /[/\\\0]/.test(tag)) {
    throw new CheckpointError('corrupt', `${latest} names ${JSON.stringify(tag.slice(0, 80))}, which is not a tag folder beside it.`);
  }
  return tag;
}

/** The DeepSpeed checkpoint `spec` names, or undefined when it is not one. */
export async function deepspeedFolderOf(spec: SourceSpec): Promise<DeepspeedFolder | undefined> {
  if (spec.kind !== 'file') return undefined;
  const info = await stat(spec.path).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isDirectory()) {
    if (!parseDeepspeedName(basename(spec.path))) return undefined;
    const folder = dirname(spec.path);
    return { folder, names: await deepspeedNamesIn(folder) };
  }
  const own = await deepspeedNamesIn(spec.path);
  if (own.length > 0) return { folder: spec.path, names: own };
  const tag = await latestTag(spec.path);
  if (tag === undefined) return undefined;
  const folder = join(spec.path, tag);
  const names = (await stat(folder).catch(() => undefined))?.isDirectory() ? await deepspeedNamesIn(folder) : [];
  if (names.length === 0) throw new CheckpointError('missing-record', `${join(spec.path, LATEST_FILE)} names the tag "${tag}", but ${folder} holds no DeepSpeed checkpoint files.`);
  return { folder, names };
}
