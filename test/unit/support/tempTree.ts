// Small file trees in a temp folder for listing tests, with exact sizes and known mtimes.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** path → size in bytes (zeros) or text content; a trailing `/` makes an empty folder. */
export type TreeSpec = Record<string, number | string>;

/** Writes `spec` below `root`; mtimes count up a minute per file from `t`. Returns the next `t`. */
export async function writeTree(root: string, spec: TreeSpec, t = 1_700_000_000): Promise<number> {
  for (const [rel, content] of Object.entries(spec)) {
    const path = join(root, rel);
    if (rel.endsWith('/')) {
      await mkdir(path, { recursive: true });
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === 'number' ? Buffer.alloc(content) : content);
    await utimes(path, t, t);
    t += 60;
  }
  return t;
}

export async function makeTree(spec: TreeSpec, prefix = 'listing-'): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeTree(root, spec);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
