// What deleting a path would free: a file's bytes, a folder's bytes all the way down (a
// `checkpoint-N/` with DeepSpeed's `global_stepN/` inside), nothing for a symbolic link (it
// goes, its target stays), and a hard-linked file's bytes only once its last link goes.

import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface PathUsage {
  path: string;
  /** Bytes of the regular files at or under the path (links not followed). */
  bytes: number;
  symlink: boolean;
  /** A regular file's inode and link count, so links in the same plan are counted once. */
  inode?: { dev: number; ino: number; nlink: number };
  /** Set when the path could not be measured (gone, unreadable): it counts as 0 bytes. */
  problem?: string;
}

// A folder deeper than this inside a checkpoint is not measured further (it is still deleted whole).
const MAX_DEPTH = 16;

function folderBytes(dir: string, depth: number): number {
  if (depth > MAX_DEPTH) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path, depth + 1);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/**
 * Synchronous, as the listing's stats are: a plan measures every file of a root, and a promise
 * per stat costs more than the stat (20,000 files).
 */
export function measurePath(path: string): PathUsage {
  try {
    const s = lstatSync(path);
    if (s.isSymbolicLink()) return { path, bytes: 0, symlink: true };
    if (s.isDirectory()) return { path, bytes: folderBytes(path, 0), symlink: false };
    return { path, bytes: s.isFile() ? s.size : 0, symlink: false, inode: { dev: s.dev, ino: s.ino, nlink: s.nlink } };
  } catch (err) {
    return { path, bytes: 0, symlink: false, problem: (err as NodeJS.ErrnoException).code ?? 'error' };
  }
}

/** The bytes freed by deleting all of `usages` (once the trash is emptied). */
export function reclaimableBytes(usages: Iterable<PathUsage>): number {
  let total = 0;
  const links = new Map<string, { nlink: number; seen: number; bytes: number }>();
  for (const u of usages) {
    if (!u.inode || u.inode.nlink <= 1) {
      total += u.bytes;
      continue;
    }
    const id = `${u.inode.dev}:${u.inode.ino}`;
    const l = links.get(id) ?? { nlink: u.inode.nlink, seen: 0, bytes: u.bytes };
    l.seen++;
    links.set(id, l);
  }
  for (const l of links.values()) if (l.seen >= l.nlink) total += l.bytes;
  return total;
}
