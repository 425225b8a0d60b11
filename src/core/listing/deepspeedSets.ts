// A DeepSpeed checkpoint folder (`global_stepN/`, as engine.save_checkpoint writes it) listed as
// one checkpoint: its model states file(s) (`mp_rank_00_model_states.pt`, or ZeRO-3's
// `zero_pp_rank_0_mp_rank_00_model_states.pt`) and one `*_optim_states.pt` ZeRO partition per
// data-parallel rank; the shard count is the partitions. Names and sizes only. Opening it (its
// main file, the rank-0 model states) opens the whole folder as one checkpoint, the fp32 weights
// assembled from the ZeRO partitions (checkpoint/deepspeedCheckpoint.ts).
import { basename, dirname } from 'node:path';
import { parseDeepspeedName } from '../checkpoint/deepspeedNames';
import { compareNames, parseStepEpoch } from './checkpointNames';
import type { DirEntry } from './dirEntries';
import type { CheckpointEntry, CheckpointFile } from './listingTypes';

/** True for the files of a DeepSpeed checkpoint folder. */
export function isDeepspeedFileName(name: string): boolean {
  return parseDeepspeedName(name) !== undefined;
}

/** The folder's DeepSpeed checkpoint, or none when it holds no model states file. */
export function deepspeedSets(entries: readonly DirEntry[]): CheckpointEntry[] {
  const files: CheckpointFile[] = [];
  for (const e of entries) {
    if (e.isDir) continue;
    const named = parseDeepspeedName(e.name);
    if (!named) continue;
    const f: CheckpointFile = { path: e.path, name: e.name, role: named.role, bytes: e.bytes, mtimeMs: e.mtimeMs };
    if (named.rank !== undefined) f.rank = named.rank;
    files.push(f);
  }
  const models = files.filter((f) => f.role === 'model');
  if (models.length === 0) return [];
  files.sort((a, b) => Number(b.role === 'model') - Number(a.role === 'model') || compareNames(a.name, b.name));
  const dir = dirname(models[0]!.path);
  const partitions = files.filter((f) => f.role === 'optimizer');
  let bytes = 0;
  let mtimeMs = 0;
  for (const f of files) {
    bytes += f.bytes;
    if (f.mtimeMs > mtimeMs) mtimeMs = f.mtimeMs;
  }
  const named = parseStepEpoch(basename(dir));
  const entry: CheckpointEntry = {
    name: basename(dir),
    layout: 'deepspeed',
    step: named.step,
    mainFile: models[0]!.path,
    path: dir,
    files,
    bytes,
    modelBytes: models.reduce((n, f) => n + f.bytes, 0),
    optimizerBytes: partitions.reduce((n, f) => n + f.bytes, 0),
    mtimeMs,
    metrics: {},
    best: false,
    shards: partitions.length > 0 ? partitions.length : models.length,
  };
  const ranks = new Set(partitions.map((f) => f.rank));
  for (let r = 0; r < ranks.size; r++) {
    if (!ranks.has(r)) {
      entry.incomplete = `no optimizer partition for data-parallel rank ${r}`;
      break;
    }
  }
  const empty = files.find((f) => f.bytes === 0);
  if (!entry.incomplete && empty) entry.incomplete = `${empty.name} is empty (still being written, or an interrupted save)`;
  return [entry];
}
