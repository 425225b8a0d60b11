// One root's listing kept run by run, so that a change re-reads the run it touched and nothing
// else. The full walk and the one-run relist build runs the same way (and `runLocation` decides
// for both what is listed), so a relist after a change equals a fresh listing.

import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readRunMarks } from '../marks/marksFile';
import { markBest } from './bestCheckpoint';
import { checkpointKey } from './checkpointKey';
import { compareNames, isListedFileName } from './checkpointNames';
import { readDirEntries } from './dirEntries';
import type { DirEntry } from './dirEntries';
import type { ListOptions, RootListing, RunKind, RunListing, SidecarCache } from './listingTypes';
import { NANOCHAT_KIND_DIRS } from './nanochatHome';
import { folderCheckpoints, holdsCheckpoints } from './runCheckpoints';
import { DEFAULT_SCAN_DEPTH, isInside, isWalkedDir, kindOfDir, runLocation, segmentsBelow } from './runLocation';
import type { RootLayout } from './runLocation';

export interface RunSlot {
  run: RunListing;
  /** The folder's real path, so a symlinked alias of a listed folder is not listed twice. */
  real: string;
  /** What was skipped inside this run (bad sidecars, unreadable checkpoint folders). */
  warnings: string[];
}

export interface RootScan {
  root: string;
  layout: RootLayout;
  exists: boolean;
  depth: number;
  cache: SidecarCache | undefined;
  /** Keyed by the run's folder. */
  runs: Map<string, RunSlot>;
  /** Folders the walk could not read or skipped as aliases, keyed by folder: one sentence each. */
  walkWarnings: Map<string, string>;
  /** About the root itself (a file, not a folder). */
  rootWarnings: string[];
}

const KIND_ORDER: readonly RunKind[] = [...NANOCHAT_KIND_DIRS.map((k) => k.kind), 'folder'];

/** nanochat kinds in training order, then folders; by tag within each. */
export function compareRuns(a: RunListing, b: RunListing): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareNames(a.tag, b.tag);
}

async function buildSlot(kind: RunKind, tag: string, dir: string, real: string, entries: readonly DirEntry[], cache: SidecarCache | undefined): Promise<RunSlot> {
  const warnings: string[] = [];
  const { checkpoints, trainerBest } = await folderCheckpoints(entries, cache, warnings);
  const run: RunListing = { kind, tag, dir, checkpoints, bytes: 0, modelBytes: 0, optimizerBytes: 0 };
  for (const c of checkpoints) {
    run.bytes += c.bytes;
    run.modelBytes += c.modelBytes;
    run.optimizerBytes += c.optimizerBytes;
  }
  const primary = markBest(checkpoints, trainerBest);
  if (primary) run.primaryMetric = primary;
  const marks = readRunMarks(dir);
  if (marks.problem) warnings.push(`${marks.path}: ${marks.problem}; ${marks.newer ? 'only what this version knows is shown' : 'its pins and notes are skipped'}`);
  if (marks.marks.size > 0) {
    for (const c of checkpoints) {
      const mark = marks.marks.get(checkpointKey(c));
      if (mark) c.mark = mark;
    }
  }
  return { run, real, warnings };
}

async function realOf(dir: string): Promise<string | undefined> {
  try {
    return await realpath(dir);
  } catch {
    return undefined;
  }
}

/** Walks `dir` (`level` below the root) and the folders below it, adding the runs it finds. */
async function walk(scan: RootScan, dir: string, entries: readonly DirEntry[], level: number, seen: Set<string>): Promise<void> {
  const real = await realOf(dir);
  if (real === undefined) return;
  // A symlink back up the tree (or two links to one folder) is listed once.
  if (seen.has(real)) {
    if (level > 0) scan.walkWarnings.set(dir, `${dir}: already listed through another path (symlink loop or alias); skipped`);
    return;
  }
  seen.add(real);
  if (holdsCheckpoints(entries)) {
    const location = runLocation(scan.root, scan.layout, scan.depth, dir);
    if (location) scan.runs.set(dir, await buildSlot(location.kind, location.tag, dir, real, entries, scan.cache));
  }
  if (level >= scan.depth) return;
  for (const sub of entries) {
    if (!sub.isDir || !isWalkedDir(sub.name, level, scan.layout)) continue;
    const read = await readDirEntries(sub.path, isListedFileName);
    if (read.problem) scan.walkWarnings.set(sub.path, read.problem);
    if (!read.problem && !read.missing) await walk(scan, sub.path, read.entries, level + 1, seen);
  }
}

/** A nanochat tag folder as a run: every tag folder is one, even before its first checkpoint. */
async function tagSlot(scan: RootScan, kind: RunKind, tagDir: string, tag: string): Promise<RunSlot | undefined> {
  const read = await readDirEntries(tagDir, isListedFileName);
  if (read.missing) return undefined;
  if (read.problem) scan.walkWarnings.set(tagDir, read.problem);
  return buildSlot(kind, tag, tagDir, tagDir, read.entries, scan.cache);
}

async function scanKinds(scan: RootScan, rootEntries: readonly DirEntry[]): Promise<void> {
  for (const { kind, dir } of NANOCHAT_KIND_DIRS) {
    const kindDir = rootEntries.find((e) => e.isDir && e.name === dir);
    if (!kindDir) continue;
    const tags = await readDirEntries(kindDir.path, () => false);
    if (tags.problem) scan.walkWarnings.set(kindDir.path, tags.problem);
    const slots = await Promise.all(tags.entries.filter((t) => t.isDir).map((t) => tagSlot(scan, kind, t.path, t.name)));
    for (const slot of slots) if (slot) scan.runs.set(slot.run.dir, slot);
  }
}

/** True when the entries of a folder show a nanochat home (any of its four checkpoint folders). */
export function isNanochatHome(entries: readonly DirEntry[]): boolean {
  return entries.some((e) => e.isDir && kindOfDir(e.name) !== undefined);
}

/** Lists `rootPath` from scratch. Never throws for anything on disk. */
export async function scanRoot(rootPath: string, options: ListOptions = {}): Promise<RootScan> {
  const scan: RootScan = {
    root: resolve(rootPath),
    layout: 'folder',
    exists: false,
    depth: Math.max(0, options.scanDepth ?? DEFAULT_SCAN_DEPTH),
    cache: options.cache,
    runs: new Map(),
    walkWarnings: new Map(),
    rootWarnings: [],
  };
  let info;
  try {
    info = await stat(scan.root);
  } catch {
    return scan;
  }
  scan.exists = true;
  if (!info.isDirectory()) {
    scan.rootWarnings.push(`${scan.root}: a file, not a folder`);
    return scan;
  }
  const read = await readDirEntries(scan.root, isListedFileName);
  if (read.problem) scan.rootWarnings.push(read.problem);
  if (isNanochatHome(read.entries)) {
    scan.layout = 'nanochat';
    await scanKinds(scan, read.entries);
  }
  // A nanochat home is walked too: a `checkpoints/` folder next to `base_checkpoints/` is listed.
  await walk(scan, scan.root, read.entries, 0, new Set());
  return scan;
}

/**
 * Re-reads the one folder `dir` (not the folders below it): adds, replaces or removes its run.
 * A folder the listing never reads (too deep, hidden, inside a `checkpoint-N`) is left alone.
 */
export async function rescanRun(scan: RootScan, dir: string, followAlias = true): Promise<void> {
  const location = runLocation(scan.root, scan.layout, scan.depth, dir);
  if (!location) return;
  if (location.kind !== 'folder') {
    scan.walkWarnings.delete(dir);
    const slot = await tagSlot(scan, location.kind, dir, location.tag);
    if (slot) scan.runs.set(dir, slot);
    else scan.runs.delete(dir);
    return;
  }
  const read = await readDirEntries(dir, isListedFileName);
  const real = read.missing || read.problem ? undefined : await realOf(dir);
  // The same folder listed under another path (a symlink): that run is the one to update, and
  // this path keeps its "already listed" warning.
  const alias = real === undefined || !followAlias ? undefined : [...scan.runs].find(([other, slot]) => other !== dir && slot.real === real)?.[0];
  if (alias !== undefined) return rescanRun(scan, alias, false);
  scan.walkWarnings.delete(dir);
  if (read.problem) scan.walkWarnings.set(dir, read.problem);
  if (real === undefined || !holdsCheckpoints(read.entries) || !ancestorsWalked(scan, dir)) {
    scan.runs.delete(dir);
    return;
  }
  scan.runs.set(dir, await buildSlot(location.kind, location.tag, dir, real, read.entries, scan.cache));
}

/** False when a folder between the root and `dir` is gone: the walk would not reach `dir`. */
function ancestorsWalked(scan: RootScan, dir: string): boolean {
  for (let d = dirname(dir); isInside(d, scan.root) && d !== scan.root; d = dirname(d)) {
    if (scan.walkWarnings.has(d)) return false;
  }
  return true;
}

/** Re-walks `dir` and every folder below it: for folders created, moved in or deleted. */
export async function rescanSubtree(scan: RootScan, dir: string): Promise<void> {
  for (const key of [...scan.runs.keys()]) if (isInside(key, dir)) scan.runs.delete(key);
  for (const key of [...scan.walkWarnings.keys()]) if (isInside(key, dir)) scan.walkWarnings.delete(key);
  const segs = segmentsBelow(scan.root, dir);
  if (!segs || segs.length > scan.depth || !segs.every((name, i) => isWalkedDir(name, i, scan.layout))) return;
  const read = await readDirEntries(dir, isListedFileName);
  if (read.missing) return;
  if (read.problem) {
    scan.walkWarnings.set(dir, read.problem);
    return;
  }
  // What is listed outside the subtree stays listed there; so do the folders above it.
  const seen = new Set<string>([...scan.runs.values()].map((s) => s.real));
  for (let d = dirname(dir); isInside(d, scan.root); d = dirname(d)) {
    const real = await realOf(d);
    if (real) seen.add(real);
    if (d === scan.root) break;
  }
  await walk(scan, dir, read.entries, segs.length, seen);
}

/** The scan as the plain listing the CLI prints and the tree shows. */
export function toRootListing(scan: RootScan): RootListing {
  const runs = [...scan.runs.values()].map((s) => s.run).sort(compareRuns);
  const warnings = [...scan.rootWarnings, ...scan.walkWarnings.values(), ...[...scan.runs.values()].flatMap((s) => s.warnings)].sort();
  return { root: scan.root, layout: scan.layout, exists: scan.exists, runs, warnings };
}
