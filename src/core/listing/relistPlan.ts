// What to re-read after files changed under a root: the run each changed path belongs to, a
// folder and everything below it (created, moved in, deleted), or the whole root (it appeared,
// or became or stopped being a nanochat home). Paths only: nothing here touches the disk.

import { basename, dirname, join } from 'node:path';
import { megatronRunSegments } from '../checkpoint/megatronNames';
import { MARKS_FILE } from '../marks/checkpointMarks';
import { isListedFileName, parseHfCheckpointDir } from './checkpointNames';
import { isInside, isWalkedDir, kindOfDir, runLocation, segmentsBelow } from './runLocation';
import type { RootLayout } from './runLocation';

export interface RelistPlan {
  /** Re-list the whole root. */
  full: boolean;
  /** Folders to re-read as one run each (their subfolders are not walked). */
  runs: string[];
  /** Folders to walk again with everything below them. */
  subtrees: string[];
}

export interface ListedRoot {
  root: string;
  layout: RootLayout;
  exists: boolean;
  depth: number;
  /** The folders of the runs listed now. */
  runDirs: readonly string[];
}

/** What one changed path asks for. */
function targetOf(listed: ListedRoot, path: string): { full: true } | { run: string } | { subtree: string } | { none: true } {
  const segs = segmentsBelow(listed.root, path);
  if (!segs) return { none: true };
  if (!listed.exists || segs.length === 0) return { full: true };
  if (kindOfDir(segs[0]!)) {
    // A kind folder itself, or any kind folder in a folder that was no nanochat home, changes
    // what the root is. Anything inside a tag belongs to the tag.
    if (listed.layout === 'folder' || segs.length === 1) return { full: true };
    // Files loose in a kind folder are not listed; tags are folders.
    if (segs.length === 2 && isListedFileName(segs[1]!)) return { none: true };
    return { run: join(listed.root, segs[0]!, segs[1]!) };
  }
  // A folder that held listed runs was deleted, or replaced: walk it again.
  if (listed.runDirs.some((dir) => isInside(dir, path))) return { subtree: path };
  const name = basename(path);
  const parent = dirname(path);
  // A `checkpoint-N` folder, or a file in one, belongs to the run that holds the folder.
  if (parseHfCheckpointDir(name) !== undefined) return { run: parent };
  if (parseHfCheckpointDir(basename(parent)) !== undefined) return { run: dirname(parent) };
  // Anything in a Megatron `iter_N/` (or its rank folders) belongs to the run that holds it.
  const megatron = megatronRunSegments(segs);
  if (megatron) return { run: join(listed.root, ...megatron) };
  // The state file's pins and notes are part of the run's listing.
  if (isListedFileName(name) || name === MARKS_FILE) return { run: parent };
  // Other files with these endings (nanoGPT's `train.bin`, a `config.json`) are not listed.
  if (/\.(pt|pth|ckpt|safetensors|bin|json)$/i.test(name)) return { none: true };
  // Any other name is a folder (files are watched by checkpoint names only): it may hold runs.
  return { subtree: path };
}

/** Turns changed paths into the least re-reading that brings the listing up to date. */
export function planRelist(listed: ListedRoot, changed: Iterable<string>): RelistPlan {
  const runs = new Set<string>();
  const subtrees = new Set<string>();
  for (const path of changed) {
    const target = targetOf(listed, path);
    if ('none' in target) continue;
    if ('full' in target) return { full: true, runs: [], subtrees: [] };
    if ('run' in target) {
      if (runLocation(listed.root, listed.layout, listed.depth, target.run)) runs.add(target.run);
    } else {
      const segs = segmentsBelow(listed.root, target.subtree) ?? [];
      if (segs.length <= listed.depth && segs.every((name, i) => isWalkedDir(name, i, listed.layout))) subtrees.add(target.subtree);
    }
  }
  const walked = [...subtrees].filter((s) => ![...subtrees].some((other) => other !== s && isInside(s, other)));
  return {
    full: false,
    runs: [...runs].filter((r) => !walked.some((s) => isInside(r, s))).sort(),
    subtrees: walked.sort(),
  };
}
