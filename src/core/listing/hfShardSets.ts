// Hugging Face sharded sets (`save_pretrained`'s `model-00001-of-00004.safetensors` files beside
// `model.safetensors.index.json`) listed as one checkpoint each: size, shard count, and what is
// missing when a numbered shard or the index is absent. Names and sizes only: the index is not read
// (the session reads it on open, and says there which shard it lacks).
import { basename, dirname } from 'node:path';
import { INDEX_SUFFIXES, isShardIndexName } from '../checkpoint/shardIndex';
import { compareNames, parseStepEpoch } from './checkpointNames';
import type { DirEntry } from './dirEntries';
import type { CheckpointEntry, CheckpointFile } from './listingTypes';

const SHARD_FILE = /^(.+)-(\d+)-of-(\d+)(\.[A-Za-z]+)$/;

/** `model-00002-of-00004.safetensors` → its set (`model.safetensors`), number and count. */
export function parseShardFileName(name: string): { set: string; number: number; total: number } | undefined {
  const m = SHARD_FILE.exec(name);
  if (!m || !INDEX_SUFFIXES.some((s) => s.startsWith(m[4]!.toLowerCase() + '.'))) return undefined;
  return { set: m[1]! + m[4]!, number: Number(m[2]), total: Number(m[3]) };
}

/** The set an index file stands for: `model.safetensors.index.json` → `model.safetensors`. */
function indexSet(name: string): string {
  return name.slice(0, name.length - '.index.json'.length);
}

/** True when a name belongs to a sharded set: one of its numbered shards, or its index. */
export function isShardSetFileName(name: string): boolean {
  return isShardIndexName(name) || parseShardFileName(name) !== undefined;
}

interface SetParts {
  index?: DirEntry;
  shards: Array<{ e: DirEntry; number: number; total: number }>;
}

/** The sets among a folder's files, keyed by set name (`model.safetensors`). */
export function groupShardSets(entries: readonly DirEntry[]): Map<string, SetParts> {
  const sets = new Map<string, SetParts>();
  const partsOf = (set: string): SetParts => {
    let p = sets.get(set);
    if (!p) sets.set(set, (p = { shards: [] }));
    return p;
  };
  for (const e of entries) {
    if (e.isDir) continue;
    if (isShardIndexName(e.name)) {
      partsOf(indexSet(e.name)).index = e;
      continue;
    }
    const shard = parseShardFileName(e.name);
    if (shard) partsOf(shard.set).shards.push({ e, number: shard.number, total: shard.total });
  }
  // An index with no numbered shards beside it names other files: not a set this module lists.
  for (const [set, p] of sets) if (p.shards.length === 0) sets.delete(set);
  return sets;
}

/** Why a set looks unfinished (a numbered shard or the index missing), or undefined. */
export function shardSetProblem(set: string, parts: SetParts): string | undefined {
  const total = Math.max(...parts.shards.map((s) => s.total));
  const have = new Set(parts.shards.map((s) => s.number));
  for (let n = 1; n <= total; n++) {
    if (!have.has(n)) {
      const sample = parts.shards[0]!.e.name;
      const m = SHARD_FILE.exec(sample)!;
      return `no ${m[1]}-${String(n).padStart(m[2]!.length, '0')}-of-${m[3]}${m[4]}`;
    }
  }
  if (!parts.index) return `no ${set}.index.json`;
  const empty = parts.shards.find((s) => s.e.bytes === 0);
  return empty ? `${empty.e.name} is empty (still being written, or an interrupted save)` : undefined;
}

/** The files of a set: the index first, then the shards in order. */
export function shardSetFiles(parts: SetParts): CheckpointFile[] {
  const shards = [...parts.shards].sort((a, b) => a.number - b.number || compareNames(a.e.name, b.e.name));
  const files: CheckpointFile[] = [];
  if (parts.index) files.push({ path: parts.index.path, name: parts.index.name, role: 'meta', bytes: parts.index.bytes, mtimeMs: parts.index.mtimeMs });
  for (const s of shards) files.push({ path: s.e.path, name: s.e.name, role: 'model', bytes: s.e.bytes, mtimeMs: s.e.mtimeMs });
  return files;
}

/** One checkpoint per sharded set in a plain folder (not a `checkpoint-N/`, which is one already). */
export function hfShardSets(entries: readonly DirEntry[]): CheckpointEntry[] {
  const out: CheckpointEntry[] = [];
  for (const [set, parts] of groupShardSets(entries)) {
    const files = shardSetFiles(parts);
    const dir = dirname(files[0]!.path);
    const named = parseStepEpoch(basename(dir));
    let bytes = 0;
    let mtimeMs = 0;
    for (const f of files) {
      bytes += f.bytes;
      if (f.mtimeMs > mtimeMs) mtimeMs = f.mtimeMs;
    }
    const entry: CheckpointEntry = {
      name: set,
      layout: 'hf-sharded',
      step: named.step,
      // The session opens a set through its index; without one, the first shard alone.
      mainFile: (parts.index ?? parts.shards[0]!.e).path,
      path: dir,
      files,
      bytes,
      modelBytes: bytes - (parts.index?.bytes ?? 0),
      optimizerBytes: 0,
      mtimeMs,
      metrics: {},
      best: false,
      shards: parts.shards.length,
    };
    if (named.epoch !== undefined) entry.epoch = named.epoch;
    const problem = shardSetProblem(set, parts);
    if (problem) entry.incomplete = problem;
    out.push(entry);
  }
  return out;
}
