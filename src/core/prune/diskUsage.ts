// What deleting a path would free: a file's bytes, a folder's bytes all the way down (a
// `checkpoint-N/` with DeepSpeed's `global_stepN/` inside), nothing for a symbolic link (it
// goes, its target stays), and a hard-linked file's bytes only once its last link goes.

import { lstat, readdir } from 'node:fs/promises';
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

async function folderBytes(dir: string, depth: number): Promise<number> {
  if (depth > MAX_DEPTH) return 0;
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path, depth + 1);
    else if (entry.isFile()) total += (await lstat(path)).size;
  }
  return total;
}

export async function measurePath(path: string): Promise<PathUsage> {
  try {
    const s = await lstat(path);
    if (s.isSymbolicLink()) return { path, bytes: 0, symlink: true };
    if (s.isDirectory()) return { path, bytes: await folderBytes(path, 0), symlink: false };
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
