// `scan <file|dir> [--json]`: the security verdict of every checkpoint and pickle under a path,
// from their pickles alone (no tensor is read). Exit codes as picklescan's: 0 nothing dangerous,
// 1 a dangerous file found, 2 an error (a file that could not be read, a bad argument).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../core/errors';
import { FileByteSource } from '../core/io/fileByteSource';
import { scanFileVerdict } from '../core/security/scanFileVerdict';
import type { FileVerdict } from '../core/security/scanFileVerdict';
import { scanSummaryText } from './scanOutput';

const USAGE = 'usage: checkpoint-manager scan <file|dir> [--json]\n';
/** What a folder scan reads: checkpoints and pickles (a file named on the command line is read whatever its name). */
const SCANNED = /\.(pt|pth|ckpt|bin|safetensors|pkl|pickle)$/i;

export interface ScannedFile extends FileVerdict {
  path: string;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    // Symbolic links are not followed: a folder scan stays inside the folder.
    if (e.isDirectory()) yield* filesUnder(path);
    else if (e.isFile() && SCANNED.test(e.name)) yield path;
  }
}

async function scanPath(path: string): Promise<ScannedFile> {
  let source: FileByteSource | undefined;
  try {
    source = await FileByteSource.open(path);
    return { path, ...(await scanFileVerdict(source)) };
  } catch (err) {
    return { path, verdict: 'safe', globals: [], dangerous: [], suspicious: [], pickles: [], notes: [], error: { code: 'io', message: describeError(err) } };
  } finally {
    await source?.close();
  }
}

export async function scanCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    process.stderr.write(`scan: ${rest.length === 0 ? 'a file or folder is needed' : `unexpected ${rest.filter((a, i) => i > 0 || a.startsWith('-')).join(' ')}`}\n${USAGE}`);
    return 2;
  }
  const target = rest[0];
  let files: ScannedFile[];
  try {
    const stat = await lstat(target);
    if (stat.isDirectory()) {
      files = [];
      for await (const path of filesUnder(target)) files.push(await scanPath(path));
    } else files = [await scanPath(target)];
  } catch (err) {
    process.stderr.write(`scan: ${target}: ${describeError(err)}\n`);
    return 2;
  }
  if (json) process.stdout.write(`${JSON.stringify({ files, ...counts(files) }, null, 2)}\n`);
  else process.stdout.write(scanSummaryText(files, counts(files)));
  const c = counts(files);
  return c.dangerous > 0 ? 1 : c.errors > 0 ? 2 : 0;
}

export interface ScanCounts {
  scanned: number;
  dangerous: number;
  suspicious: number;
  errors: number;
}

function counts(files: readonly ScannedFile[]): ScanCounts {
  return {
    scanned: files.length,
    dangerous: files.filter((f) => f.verdict === 'dangerous').length,
    suspicious: files.filter((f) => f.verdict === 'suspicious').length,
    errors: files.filter((f) => f.error).length,
  };
}
