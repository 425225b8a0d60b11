// Lists one root: a nanochat home (kind → tag → step) or any folder, searched a few levels deep
// for folders that hold checkpoints. Reads names, sizes, mtimes and small JSON sidecars only.

import { realpath, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { markBest } from './bestCheckpoint';
import { readDirEntries } from './dirEntries';
import type { DirEntry } from './dirEntries';
import type { ListOptions, RootListing, RunKind, RunListing, SidecarCache } from './listingTypes';
import { NANOCHAT_KIND_DIRS } from './nanochatHome';
import { folderCheckpoints, holdsCheckpoints } from './runCheckpoints';
import { compareNames, parseHfCheckpointDir } from './checkpointNames';

export const DEFAULT_SCAN_DEPTH = 4;

// Folders that never hold a user's checkpoints and can be huge.
const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env']);

async function buildRun(
  kind: RunKind,
  tag: string,
  dir: string,
  entries: readonly DirEntry[],
  cache: SidecarCache | undefined,
  warnings: string[],
): Promise<RunListing> {
  const { checkpoints, trainerBest } = await folderCheckpoints(entries, cache, warnings);
  const run: RunListing = { kind, tag, dir, checkpoints, bytes: 0, modelBytes: 0, optimizerBytes: 0 };
  for (const c of checkpoints) {
    run.bytes += c.bytes;
    run.modelBytes += c.modelBytes;
    run.optimizerBytes += c.optimizerBytes;
  }
  const primary = markBest(checkpoints, trainerBest);
  if (primary) run.primaryMetric = primary;
  return run;
}

const byTag = (a: RunListing, b: RunListing): number => compareNames(a.tag, b.tag);

async function listNanochat(entries: readonly DirEntry[], cache: SidecarCache | undefined, warnings: string[]): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  for (const { kind, dir } of NANOCHAT_KIND_DIRS) {
    const kindDir = entries.find((e) => e.isDir && e.name === dir);
    if (!kindDir) continue;
    const tags = await readDirEntries(kindDir.path);
    if (tags.problem) warnings.push(tags.problem);
    const kindRuns = await Promise.all(
      tags.entries
        .filter((t) => t.isDir)
        .map(async (t) => {
          const read = await readDirEntries(t.path);
          if (read.problem) warnings.push(read.problem);
          return buildRun(kind, t.name, t.path, read.entries, cache, warnings);
        }),
    );
    runs.push(...kindRuns.sort(byTag));
  }
  return runs;
}

async function listFolder(root: string, entries: readonly DirEntry[], depth: number, cache: SidecarCache | undefined, warnings: string[]): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, dirEntries: readonly DirEntry[], level: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      return;
    }
    // A symlink back up the tree (or two links to one folder) is listed once.
    if (seen.has(real)) {
      if (level > 0) warnings.push(`${dir}: already listed through another path (symlink loop or alias); skipped`);
      return;
    }
    seen.add(real);
    if (holdsCheckpoints(dirEntries)) {
      const rel = relative(root, dir) || '.';
      runs.push(await buildRun('folder', rel.split('\\').join('/'), dir, dirEntries, cache, warnings));
    }
    if (level >= depth) return;
    const subdirs = dirEntries.filter(
      (e) => e.isDir && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name) && parseHfCheckpointDir(e.name) === undefined,
    );
    for (const sub of subdirs) {
      const read = await readDirEntries(sub.path);
      if (read.problem) warnings.push(read.problem);
      await visit(sub.path, read.entries, level + 1);
    }
  };
  await visit(root, entries, 0);
  return runs.sort(byTag);
}

/** True when the entries of a folder show a nanochat home (any of its four checkpoint folders). */
export function isNanochatHome(entries: readonly DirEntry[]): boolean {
  return entries.some((e) => e.isDir && NANOCHAT_KIND_DIRS.some((k) => k.dir === e.name));
}

/** Lists `root`. Never throws for anything on disk; what was skipped is in `warnings`. */
export async function listRoot(rootPath: string, options: ListOptions = {}): Promise<RootListing> {
  const root = resolve(rootPath);
  const depth = Math.max(0, options.scanDepth ?? DEFAULT_SCAN_DEPTH);
  const warnings: string[] = [];
  let info;
  try {
    info = await stat(root);
  } catch {
    return { root, layout: 'folder', exists: false, runs: [], warnings: [] };
  }
  if (!info.isDirectory()) {
    return { root, layout: 'folder', exists: true, runs: [], warnings: [`${root}: a file, not a folder`] };
  }
  const read = await readDirEntries(root);
  if (read.problem) warnings.push(read.problem);
  const nanochat = isNanochatHome(read.entries);
  const runs = nanochat
    ? await listNanochat(read.entries, options.cache, warnings)
    : await listFolder(root, read.entries, depth, options.cache, warnings);
  return { root, layout: nanochat ? 'nanochat' : 'folder', exists: true, runs, warnings: warnings.sort() };
}
