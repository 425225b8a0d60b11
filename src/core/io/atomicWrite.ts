// Replaces a file all at once: the new bytes go to a temp file beside the target, are flushed,
// then renamed over it. A reader sees the old file or the new one, never half of either, and a
// crash mid-write leaves the old file as it was.

import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically (same folder, so the rename never crosses a file system). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** A file that already exists where a write without `replace` was to put one. */
export class TargetExistsError extends Error {
  readonly code = 'target-exists';
  override readonly name = 'TargetExistsError';
}

/** How a streamed write reaches its place. */
export interface StreamWriteOptions {
  /** Replace an existing `path`; without it an existing `path` is never touched. */
  replace: boolean;
  /** Flush the temp file to the disk before the rename even when `path` is new. */
  sync?: boolean;
  /** Opens the temp file (a test's stand-in counts the syncs); default fs/promises' open. */
  open?: (path: string, flags: string) => Promise<FileHandle>;
}

/**
 * Streams a new file into place: `write` fills a temp file beside `path` (through the handle it
 * is given), which is then moved to `path`. Without `replace`, an existing `path` is never touched
 * (hard-linked into place, so a file that appears meanwhile is not overwritten either). On any
 * failure, a cancel included, the temp file is removed and `path` is as it was.
 *
 * The temp file is flushed to the disk before the rename only when it replaces a file (so the old
 * file survives a power loss) or `sync` asks for it; a new file's data reaches the disk as `cp`'s
 * does. `write` is told up front whether the flush will come (`durable`), so it can start it early.
 * Resolves to whether the file was flushed before its rename.
 */
export async function writeStreamAtomic(path: string, write: (handle: FileHandle, durable: boolean) => Promise<void>, options: StreamWriteOptions): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await (options.open ?? open)(temp, 'wx');
  const replacing = async () => options.replace && (await exists(path));
  try {
    let flushed: boolean;
    try {
      const durable = options.sync === true || (await replacing());
      await write(handle, durable);
      // (Asked again: a file may have appeared at `path` meanwhile.)
      flushed = durable || (await replacing());
      if (flushed) await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) await rename(temp, path);
    else await placeWithoutReplacing(temp, path);
    return flushed;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EEXIST') throw new TargetExistsError(`${path} already exists.`);
    // A file system without hard links: check, then rename (a small window, but no silent replace of what was there).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
    if (await exists(path)) throw new TargetExistsError(`${path} already exists.`);
    await rename(temp, path);
    return;
  }
  await rm(temp, { force: true });
}
