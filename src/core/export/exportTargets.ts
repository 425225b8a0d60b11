// Where an export goes and what may be there already: the output kind from the path's shape, and
// the checks before anything is written — never over the source, never over an existing file
// unless asked to replace it.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TargetExistsError } from '../io/atomicWrite';
import { ExportInputError } from './modelWeights';

export type OutputKind = 'pt' | 'safetensors' | 'safetensors-folder';

const TORCH_EXTENSIONS = ['.pt', '.pth', '.bin', '.ckpt'];

/** The kind of output a path asks for: a folder (trailing `/` or an existing folder), or by its extension. */
export async function outputKind(output: string): Promise<OutputKind> {
  if (output.endsWith('/') || output.endsWith('\\')) return 'safetensors-folder';
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory()) return 'safetensors-folder';
  const lower = output.toLowerCase();
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (TORCH_EXTENSIONS.some((e) => lower.endsWith(e))) return 'pt';
  throw new ExportInputError(`cannot tell the format from "${output}": name a .pt or .safetensors file, or a folder ending in / for sharded safetensors.`);
}

async function identity(path: string): Promise<{ real: string; dev: number; ino: number } | undefined> {
  try {
    const info = await stat(path);
    return { real: await realpath(path), dev: info.dev, ino: info.ino };
  } catch {
    return undefined;
  }
}

/**
 * Throws unless every target may be written: none is a source, none exists unless `replace`.
 * `sources`: every file the checkpoint is read from (the first the one it was opened through).
 */
export async function checkTargets(sources: readonly string[], targets: readonly string[], replace: boolean): Promise<void> {
  for (const target of targets) {
    const there = await identity(target);
    for (const source of sources) {
      if (await isSourcePath(source, target)) throw new ExportInputError(`${target} is ${source === sources[0] ? 'the source checkpoint itself' : `one of the source checkpoint's files`}: an export never writes over its source.`);
    }
    if (!there) continue;
    const info = await stat(target);
    if (info.isDirectory()) throw new ExportInputError(`${target} is a folder.`);
    if (!replace) throw new TargetExistsError(`${target} already exists (use --force to replace it).`);
  }
}

/** A file name an export into a folder writes: a single model.safetensors, a shard, or the index. */
const FOLDER_OUTPUT = /^model(-\d{5}-of-\d{5})?\.safetensors$|^model\.safetensors\.index\.json$/;

/** What an export to `output` would replace: the file itself, or a folder's earlier export files. */
export async function existingOutputs(output: string, kind: OutputKind): Promise<string[]> {
  if (kind !== 'safetensors-folder') return (await identity(output)) ? [output] : [];
  const names = await readdir(output).catch(() => [] as string[]);
  return names.filter((n) => FOLDER_OUTPUT.test(n)).sort().map((n) => join(output, n));
}

/** Whether `target` is the file at `source` (the same path, or a link to it). */
export async function isSourcePath(source: string, target: string): Promise<boolean> {
  const [src, there] = await Promise.all([identity(source), identity(target)]);
  if (!src) return false;
  return there ? there.dev === src.dev && there.ino === src.ino : resolve(target) === src.real;
}
