// Accelerate's FSDP LOCAL_STATE_DICT files, `pytorch_model_fsdp[_<i>]_rank<r>.bin`, listed as one
// checkpoint per model index: its size, its shard count (the ranks) and the step the folder's
// name tells. Names and sizes only.
import { basename, dirname } from 'node:path';
import { parseStepEpoch } from './checkpointNames';
import type { DirEntry } from './dirEntries';
import type { CheckpointEntry } from './listingTypes';

const RANK_FILE = /^pytorch_model_fsdp(?:_(\d+))?_rank(\d+)\.bin$/;

export function isFsdpRankFile(name: string): boolean {
  return RANK_FILE.test(name);
}

/** One checkpoint per model index among the folder's rank files. */
export function fsdpRankSets(entries: readonly DirEntry[]): CheckpointEntry[] {
  const byModel = new Map<number, Array<{ e: DirEntry; rank: number }>>();
  for (const e of entries) {
    const m = e.isDir ? null : RANK_FILE.exec(e.name);
    if (!m) continue;
    const model = Number(m[1] ?? 0);
    if (!byModel.has(model)) byModel.set(model, []);
    byModel.get(model)!.push({ e, rank: Number(m[2]) });
  }
  const out: CheckpointEntry[] = [];
  for (const [model, ranks] of byModel) {
    ranks.sort((a, b) => a.rank - b.rank);
    const dir = dirname(ranks[0].e.path);
    const files = ranks.map(({ e, rank }) => ({ path: e.path, name: e.name, role: 'model' as const, bytes: e.bytes, mtimeMs: e.mtimeMs, rank }));
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    const named = parseStepEpoch(basename(dir));
    const entry: CheckpointEntry = {
      name: model === 0 ? 'pytorch_model_fsdp_rank*.bin' : `pytorch_model_fsdp_${model}_rank*.bin`,
      layout: 'fsdp-ranks',
      step: named.step,
      mainFile: files[0].path,
      path: dir,
      files,
      bytes,
      modelBytes: bytes,
      optimizerBytes: 0,
      mtimeMs: Math.max(...files.map((f) => f.mtimeMs)),
      metrics: {},
      best: false,
      shards: files.length,
    };
    const gap = ranks.findIndex((r, i) => r.rank !== i);
    if (gap >= 0) entry.incomplete = `no rank ${gap} file`;
    else if (files.some((f) => f.bytes === 0)) entry.incomplete = `${files.find((f) => f.bytes === 0)!.name} is empty (still being written, or an interrupted save)`;
    out.push(entry);
  }
  return out;
}
