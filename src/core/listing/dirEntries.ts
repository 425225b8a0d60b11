// One directory's entries with their sizes and mtimes, following symlinks. Never throws: an
// unreadable folder or a dangling link becomes a warning, so one bad folder does not hide the rest.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface DirEntry {
  name: string;
  path: string;
  isDir: boolean;
  bytes: number;
  mtimeMs: number;
}

export interface DirRead {
  /** Files and folders (symlinks resolved); sockets, fifos and dangling links left out. */
  entries: DirEntry[];
  /** Set when the folder itself could not be read. */
  problem?: string;
}

/** Runs `fn` over `items` with at most `limit` in flight; keeps the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Plenty for the disk, few enough not to exhaust file descriptors on a 5,000-file home.
export const FS_CONCURRENCY = 32;

export async function readDirEntries(dir: string): Promise<DirRead> {
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    return { entries: [], problem: `${dir}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const entries = await mapLimit(names, FS_CONCURRENCY, async (d): Promise<DirEntry | undefined> => {
    if (!d.isFile() && !d.isDirectory() && !d.isSymbolicLink()) return undefined;
    const path = join(dir, d.name);
    try {
      // stat follows symlinks; a file deleted between readdir and stat is simply gone.
      const s = await stat(path);
      if (!s.isFile() && !s.isDirectory()) return undefined;
      return { name: d.name, path, isDir: s.isDirectory(), bytes: s.isFile() ? s.size : 0, mtimeMs: s.mtimeMs };
    } catch {
      return undefined;
    }
  });
  return { entries: entries.filter((e): e is DirEntry => e !== undefined) };
}
