// Which argument names a Megatron-LM checkpoint (see megatronNames.ts): an `iter_N/` (or
// `release/`) folder, one of its `mp_rank_*/model_optim_rng.pt` files, or the save folder whose
// `latest_checkpointed_iteration.txt` names the iteration. The iteration's rank files must make a
// whole grid of ranks; a hole is an error naming the missing file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors';
import type { SourceSpec } from '../io/sourceSpec';
import { MEGATRON_RANK_FILE, MEGATRON_TRACKER, gridOf, megatronIterDirName, megatronRankDirName, parseMegatronRankDir, parseMegatronTracker } from './megatronNames';

export interface MegatronRankFile {
  /** The rank folder: `mp_rank_01_000`. */
  dir: string;
  /** Its ranks by position: tensor rank, then pipeline (or expert), then expert. */
  ranks: number[];
  path: string;
}

export interface MegatronIteration {
  /** The iteration folder. */
  dir: string;
  /** Its rank files, in rank folder order (tensor rank slowest, as the folder names sort). */
  files: MegatronRankFile[];
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function rankFolders(dir: string): Promise<Array<{ dir: string; ranks: number[] }>> {
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return names.flatMap((d) => {
    const ranks = d.isDirectory() ? parseMegatronRankDir(d.name) : undefined;
    return ranks ? [{ dir: d.name, ranks }] : [];
  });
}

/** The iteration folder the save folder's tracker names; an error when it names none that is there. */
async function trackedIteration(dir: string): Promise<string | undefined> {
  const tracker = join(dir, MEGATRON_TRACKER);
  const info = await stat(tracker).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  if (info.size > 64) throw new CheckpointError('not-checkpoint', `${MEGATRON_TRACKER} holds ${info.size} bytes, not an iteration number.`);
  const text = await readFile(tracker, 'utf8');
  const latest = parseMegatronTracker(text);
  if (latest === undefined) throw new CheckpointError('not-checkpoint', `${MEGATRON_TRACKER} says ${JSON.stringify(text.trim().slice(0, 20))}: neither an iteration number nor "release".`);
  const named = megatronIterDirName(latest);
  if (!(await isDir(join(dir, named)))) throw new CheckpointError('missing-record', `${named} is missing: ${MEGATRON_TRACKER} names it as the latest checkpoint.`);
  return join(dir, named);
}

/** The whole grid of rank files, or an error naming the first missing file. */
async function checkedFiles(dir: string, folders: ReadonlyArray<{ dir: string; ranks: number[] }>): Promise<MegatronRankFile[]> {
  const iter = basename(dir);
  const arity = folders[0]!.ranks.length;
  const odd = folders.find((f) => f.ranks.length !== arity);
  if (odd) throw new CheckpointError('corrupt', `${iter} holds rank folders named two ways (${folders[0]!.dir}, ${odd.dir}).`);
  const sizes = Array.from({ length: arity }, (_, i) => Math.max(...folders.map((f) => f.ranks[i]!)) + 1);
  const have = new Set(folders.map((f) => f.ranks.join(',')));
  for (const ranks of gridOf(sizes)) {
    if (!have.has(ranks.join(','))) {
      throw new CheckpointError('missing-record', `${iter}/${megatronRankDirName(ranks)}/${MEGATRON_RANK_FILE} is missing: the other rank folders make a ${sizes.join('×')} grid.`);
    }
  }
  const files: MegatronRankFile[] = [];
  for (const f of [...folders].sort((a, b) => compareRanks(a.ranks, b.ranks))) {
    const path = join(dir, f.dir, MEGATRON_RANK_FILE);
    if (!(await stat(path).catch(() => undefined))?.isFile()) throw new CheckpointError('missing-record', `${iter}/${f.dir}/${MEGATRON_RANK_FILE} is missing.`);
    files.push({ dir: f.dir, ranks: f.ranks, path });
  }
  return files;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The Megatron iteration `spec` names, or undefined when it names none. */
export async function megatronIterationOf(spec: SourceSpec): Promise<MegatronIteration | undefined> {
  if (spec.kind !== 'file') return undefined;
  const info = await stat(spec.path).catch(() => undefined);
  if (!info) return undefined;
  let dir: string | undefined;
  if (info.isFile()) {
    if (basename(spec.path) !== MEGATRON_RANK_FILE || !parseMegatronRankDir(basename(dirname(spec.path)))) return undefined;
    dir = dirname(dirname(spec.path));
  } else if (info.isDirectory()) {
    dir = (await rankFolders(spec.path)).length > 0 ? spec.path : await trackedIteration(spec.path);
  }
  if (dir === undefined) return undefined;
  const folders = await rankFolders(dir);
  // A torch_dist iteration (a DCP folder) has no rank folders: not this layout.
  if (folders.length === 0) return undefined;
  return { dir, files: await checkedFiles(dir, folders) };
}
