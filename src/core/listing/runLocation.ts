// Which folders of a root a listing looks into, and what a folder there is: a nanochat tag, a
// folder run, or nothing listed. Shared by the full walk and by the relist of one run, so both
// agree on what is listed. Paths only: nothing here touches the disk.

import { relative, sep } from 'node:path';
import { isMegatronPartDir } from '../checkpoint/megatronNames';
import { parseHfCheckpointDir } from './checkpointNames';
import type { RunKind } from './listingTypes';
import { NANOCHAT_KIND_DIRS } from './nanochatHome';

export const DEFAULT_SCAN_DEPTH = 4;

// Folders that never hold a user's checkpoints and can be huge.
const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env']);

// The rest of a nanochat home: training data shards, the tokenizer (its token_bytes.pt is a
// tensor, not a checkpoint), eval data and reports.
const NANOCHAT_OTHER_DIRS = new Set(['base_data', 'tokenizer', 'eval_bundle', 'report']);

export type RootLayout = 'nanochat' | 'folder';

/** The nanochat kind whose folder is called `name` (`base_checkpoints` → `base`). */
export function kindOfDir(name: string): Exclude<RunKind, 'folder'> | undefined {
  return NANOCHAT_KIND_DIRS.find((k) => k.dir === name)?.kind;
}

/**
 * True when the walk enters a subfolder `name` of a folder `level` levels below the root. Hidden
 * folders, virtual envs and `checkpoint-N` folders (part of the run that holds them) are never
 * entered, nor Megatron's `iter_N/` and `mp_rank_*` folders; in a nanochat home, neither are its kind folders (listed as kinds) nor its data.
 */
export function isWalkedDir(name: string, level: number, layout: RootLayout): boolean {
  if (name.startsWith('.') || SKIPPED_DIRS.has(name) || parseHfCheckpointDir(name) !== undefined || isMegatronPartDir(name)) return false;
  if (level === 0 && layout === 'nanochat') return kindOfDir(name) === undefined && !NANOCHAT_OTHER_DIRS.has(name);
  return true;
}

/** True when `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** `dir` relative to `root` as path segments; undefined when it is not inside `root`. */
export function segmentsBelow(root: string, dir: string): string[] | undefined {
  const rel = relative(root, dir);
  if (rel === '') return [];
  if (rel === '..' || rel.startsWith(`..${sep}`) || /^[a-zA-Z]:/.test(rel) || rel.startsWith(sep)) return undefined;
  return rel.split(sep);
}

export type RunLocation = { kind: RunKind; tag: string };

/** What run `dir` would be if it held checkpoints; undefined for folders the listing never reads. */
export function runLocation(root: string, layout: RootLayout, depth: number, dir: string): RunLocation | undefined {
  const segs = segmentsBelow(root, dir);
  if (!segs) return undefined;
  const kind = layout === 'nanochat' && segs.length > 0 ? kindOfDir(segs[0]!) : undefined;
  if (kind) return segs.length === 2 ? { kind, tag: segs[1]! } : undefined;
  if (segs.length > depth) return undefined;
  if (!segs.every((name, i) => isWalkedDir(name, i, layout))) return undefined;
  return { kind: 'folder', tag: segs.length === 0 ? '.' : segs.join('/') };
}
