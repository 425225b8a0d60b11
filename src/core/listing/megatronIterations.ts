// Megatron-LM's checkpoint folder (megatron/training/checkpointing.py, legacy `torch` format):
// `latest_checkpointed_iteration.txt` (an iteration or `release`) beside one folder per save,
// `iter_%07d/` or `release/`, holding one `mp_rank_%02d[_%03d[_%03d]]/model_optim_rng.pt` per
// tensor (and pipeline, and expert) parallel rank. Each iteration folder is one checkpoint: its
// step is the iteration, its shards the rank files; a missing position of the rank grid or an
// empty file marks it incomplete. An iteration folder of Megatron's `torch_dist` format is a DCP
// folder and lists as one. Names, sizes and the tracker's few bytes only: no checkpoint is opened.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { compareNames } from './checkpointNames';
import { dcpFolderCheckpoint, isDcpFolder } from './dcpFolders';
import { mapLimit, readDirEntries } from './dirEntries';
import type { DirEntry } from './dirEntries';
import type { CheckpointEntry, CheckpointFile } from './listingTypes';
import {
  MEGATRON_RANK_FILE,
  MEGATRON_RELEASE,
  MEGATRON_TRACKER,
  gridOf,
  megatronIterDirName,
  megatronRankDirName,
  parseMegatronIterDir,
  parseMegatronRankDir,
  parseMegatronTracker,
} from '../checkpoint/megatronNames';

/** The distributed optimizer's state, saved beside each rank's model file. */
const OPTIMIZER_FILES = /^(distrib_optim|layer_wise_optimizer_\d+)\.pt$/;

/**
 * True when the folder is an iteration itself: an `iter_N/` holding rank folders. Only a root can
 * be (the walk never enters an `iter_N/`); a `release/` is listed from the folder holding it.
 */
function isOwnIteration(entries: readonly DirEntry[]): boolean {
  const rank = entries.find((e) => e.isDir && parseMegatronRankDir(e.name) !== undefined);
  return rank !== undefined && parseMegatronIterDir(basename(dirname(rank.path))) !== undefined;
}

/** True when a folder's entries show Megatron checkpoints: iteration folders or the tracker, or it is an iteration. */
export function holdsMegatron(entries: readonly DirEntry[]): boolean {
  return entries.some((e) => (e.isDir ? parseMegatronIterDir(e.name) !== undefined : e.name === MEGATRON_TRACKER)) || isOwnIteration(entries);
}

function readTracker(entries: readonly DirEntry[], warnings: string[]): number | 'release' | undefined {
  const tracker = entries.find((e) => !e.isDir && e.name === MEGATRON_TRACKER);
  if (!tracker) return undefined;
  if (tracker.bytes > 64) {
    warnings.push(`${tracker.path}: ${tracker.bytes} bytes, not an iteration number; skipped`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(tracker.path, 'utf8');
  } catch {
    return undefined; // gone since the folder was read
  }
  const latest = parseMegatronTracker(text);
  if (latest === undefined) warnings.push(`${tracker.path}: says neither an iteration nor "release"; skipped`);
  return latest;
}

interface RankFolder {
  name: string;
  ranks: number[];
  entries: DirEntry[];
}

/** Why the rank folders do not make a whole grid, or undefined when they do. */
function gridProblem(folders: readonly RankFolder[]): string | undefined {
  const arity = folders[0]!.ranks.length;
  if (folders.some((f) => f.ranks.length !== arity)) return `rank folders named two ways (${folders[0]!.name}, ${folders.find((f) => f.ranks.length !== arity)!.name})`;
  const sizes = Array.from({ length: arity }, (_, i) => Math.max(...folders.map((f) => f.ranks[i]!)) + 1);
  const have = new Set(folders.map((f) => f.ranks.join(',')));
  for (const ranks of gridOf(sizes)) {
    if (!have.has(ranks.join(','))) return `no ${megatronRankDirName(ranks)}/${MEGATRON_RANK_FILE} (the other ranks make a ${sizes.join('×')} grid)`;
  }
  return undefined;
}

/** One iteration folder, from its entries (its rank folders read here); undefined when it holds no checkpoint. */
export async function megatronIteration(dir: string, entries: readonly DirEntry[], warnings: string[]): Promise<CheckpointEntry | undefined> {
  const name = basename(dir);
  if (isDcpFolder(entries)) return dcpFolderCheckpoint(entries);
  const rankDirs = entries.filter((e) => e.isDir && parseMegatronRankDir(e.name) !== undefined);
  if (rankDirs.length === 0) return undefined;
  const folders: RankFolder[] = await mapLimit(rankDirs, 8, async (e) => {
    const read = await readDirEntries(e.path);
    if (read.problem) warnings.push(read.problem);
    return { name: e.name, ranks: parseMegatronRankDir(e.name)!, entries: read.entries };
  });
  folders.sort((a, b) => compareNames(a.name, b.name));
  const files: CheckpointFile[] = [];
  let modelFiles = 0;
  let incomplete: string | undefined;
  for (const [rank, f] of folders.entries()) {
    const model = f.entries.find((e) => !e.isDir && e.name === MEGATRON_RANK_FILE);
    if (model) {
      files.push({ path: model.path, name: `${f.name}/${model.name}`, role: 'full', bytes: model.bytes, mtimeMs: model.mtimeMs, rank });
      modelFiles++;
    } else {
      incomplete ??= `no ${f.name}/${MEGATRON_RANK_FILE}`;
    }
    for (const e of f.entries) {
      if (!e.isDir && OPTIMIZER_FILES.test(e.name)) files.push({ path: e.path, name: `${f.name}/${e.name}`, role: 'optimizer', bytes: e.bytes, mtimeMs: e.mtimeMs, rank });
    }
  }
  incomplete ??= gridProblem(folders);
  const empty = files.find((f) => f.bytes === 0);
  incomplete ??= empty ? `${empty.name} is empty (still being written, or an interrupted save)` : undefined;
  let bytes = 0;
  let mtimeMs = 0;
  let optimizerBytes = 0;
  for (const f of files) {
    bytes += f.bytes;
    if (f.role === 'optimizer') optimizerBytes += f.bytes;
    if (f.mtimeMs > mtimeMs) mtimeMs = f.mtimeMs;
  }
  const entry: CheckpointEntry = {
    name,
    layout: 'megatron',
    step: parseMegatronIterDir(name) ?? null,
    mainFile: files.find((f) => f.role === 'full')?.path ?? null,
    path: dir,
    files,
    bytes,
    modelBytes: 0,
    optimizerBytes,
    mtimeMs,
    metrics: {},
    best: false,
    shards: modelFiles,
  };
  if (incomplete) entry.incomplete = incomplete;
  return entry;
}

/**
 * The Megatron checkpoints among a folder's entries: one per `iter_N/` (and `release/` when the
 * tracker names it), or the folder itself when it is an `iter_N/` (a root). The one
 * the tracker names gets `latest`.
 */
export async function megatronIterations(entries: readonly DirEntry[], warnings: string[]): Promise<CheckpointEntry[]> {
  if (!holdsMegatron(entries) || entries.length === 0) return [];
  const latest = readTracker(entries, warnings);
  if (isOwnIteration(entries)) {
    const self = await megatronIteration(dirname(entries[0]!.path), entries, warnings);
    return self ? [self] : [];
  }
  const iterDirs = entries.filter((e) => e.isDir && (parseMegatronIterDir(e.name) !== undefined || (e.name === MEGATRON_RELEASE && latest === 'release')));
  const found = await mapLimit(iterDirs, 8, async (e) => {
    const read = await readDirEntries(e.path);
    if (read.problem) warnings.push(read.problem);
    return megatronIteration(e.path, read.entries, warnings);
  });
  const out = found.filter((c): c is CheckpointEntry => c !== undefined);
  if (latest !== undefined) {
    const named = megatronIterDirName(latest);
    const hit = out.find((c) => basename(c.path) === named);
    if (hit) hit.latest = MEGATRON_TRACKER;
    else warnings.push(`${dirname(entries[0]!.path)}: ${MEGATRON_TRACKER} names ${named}, which is not there`);
  }
  return out;
}
