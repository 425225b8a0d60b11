// The logical checkpoints of one folder: nanochat's model/meta/optim files of a step grouped as
// one, each Hugging Face `checkpoint-N/` folder as one, and every other checkpoint file as one.

import { basename } from 'node:path';
import { parseNanochatName } from '../checkpoint/nanochatNames';
import { compareNames, hfFileRole, isCheckpointFileName, parseHfCheckpointDir, parseStepEpoch } from './checkpointNames';
import { mapLimit, readDirEntries } from './dirEntries';
import type { DirEntry } from './dirEntries';
import { dcpFolderCheckpoint, isDcpFolder } from './dcpFolders';
import { fsdpRankSets, isFsdpRankFile } from './fsdpRankSets';
import { groupShardSets, hfShardSets, isShardSetFileName } from './hfShardSets';
import { deepspeedSets, isDeepspeedFileName } from './deepspeedSets';
import { holdsMegatron, megatronIterations } from './megatronIterations';
import type { CheckpointEntry, CheckpointFile, FileRole, SidecarCache, SidecarInfo } from './listingTypes';
import { nanochatMetaInfo, readSidecar, trainerStateInfo } from './sidecars';

export interface FolderCheckpoints {
  checkpoints: CheckpointEntry[];
  /** The best checkpoint a Trainer recorded, from the newest `trainer_state.json`. */
  trainerBest?: string;
}

function toFile(e: DirEntry, role: FileRole, rank?: number): CheckpointFile {
  const f: CheckpointFile = { path: e.path, name: e.name, role, bytes: e.bytes, mtimeMs: e.mtimeMs };
  if (rank !== undefined) f.rank = rank;
  return f;
}

type EntryBase = Omit<CheckpointEntry, 'bytes' | 'modelBytes' | 'optimizerBytes' | 'mtimeMs' | 'best' | 'metrics'>;

// Built field by field, not by spreading `base`: a 150,000-file listing makes 50,000 of these.
function entryFrom(base: EntryBase, info?: SidecarInfo): CheckpointEntry {
  const metrics = info?.metrics ?? {};
  let bytes = 0;
  let modelBytes = 0;
  let optimizerBytes = 0;
  let mtimeMs = 0;
  let empty: CheckpointFile | undefined;
  for (const f of base.files) {
    bytes += f.bytes;
    if (f.role === 'model') modelBytes += f.bytes;
    else if (f.role === 'optimizer') optimizerBytes += f.bytes;
    if (f.mtimeMs > mtimeMs) mtimeMs = f.mtimeMs;
    if (!empty && f.bytes === 0 && f.role !== 'meta') empty = f;
  }
  const entry: CheckpointEntry = {
    name: base.name,
    layout: base.layout,
    step: base.step,
    mainFile: base.mainFile,
    path: base.path,
    files: base.files,
    bytes,
    modelBytes,
    optimizerBytes,
    mtimeMs,
    metrics,
    best: false,
  };
  if (base.epoch !== undefined) entry.epoch = base.epoch;
  if (base.shards !== undefined) entry.shards = base.shards;
  if (info?.plannedSteps !== undefined) entry.plannedSteps = info.plannedSteps;
  if (base.incomplete) entry.incomplete = base.incomplete;
  else if (empty) entry.incomplete = `${empty.name} is empty (still being written, or an interrupted save)`;
  return entry;
}

/** Orders checkpoints by step (nulls last), then epoch (none last), then name. */
export function compareCheckpoints(a: CheckpointEntry, b: CheckpointEntry): number {
  if (a.step !== b.step) {
    if (a.step === null) return 1;
    if (b.step === null) return -1;
    return a.step - b.step;
  }
  const ea = a.epoch ?? Infinity;
  const eb = b.epoch ?? Infinity;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return compareNames(a.name, b.name);
}

// Synchronous: sidecars are read synchronously anyway, and a promise per step is most of the
// cost of a warm relist of a big run.
function nanochatSteps(files: DirEntry[], cache: SidecarCache | undefined, warnings: string[]): CheckpointEntry[] {
  const byStep = new Map<number, { model?: DirEntry; meta?: DirEntry; optims: { e: DirEntry; rank: number }[] }>();
  for (const e of files) {
    const part = parseNanochatName(e.name);
    if (!part) continue;
    let g = byStep.get(part.step);
    if (!g) byStep.set(part.step, (g = { optims: [] }));
    if (part.part === 'model') g.model = e;
    else if (part.part === 'meta') g.meta = e;
    else g.optims.push({ e, rank: part.rank });
  }
  const out: CheckpointEntry[] = [];
  for (const [step, g] of byStep) {
    const files: CheckpointFile[] = [];
    if (g.model) files.push(toFile(g.model, 'model'));
    if (g.meta) files.push(toFile(g.meta, 'meta'));
    if (g.optims.length > 1) g.optims.sort((a, b) => a.rank - b.rank);
    for (const o of g.optims) files.push(toFile(o.e, 'optimizer', o.rank));
    let info: SidecarInfo = { metrics: {} };
    if (g.meta) {
      info = readSidecar(g.meta.path, g.meta.bytes, g.meta.mtimeMs, nanochatMetaInfo, cache);
      if (info.problem) warnings.push(`${g.meta.path}: ${info.problem}; its metrics are skipped`);
    }
    const padded = String(step).padStart(6, '0');
    const base: EntryBase = {
      name: `step ${padded}`,
      layout: 'nanochat',
      step,
      mainFile: g.model?.path ?? null,
      path: g.model?.path ?? files[0]?.path ?? '',
      files,
    };
    if (!g.model) base.incomplete = `no model_${padded}.pt`;
    else {
      const gap = g.optims.findIndex((o, i) => o.rank !== i);
      if (gap >= 0) base.incomplete = `no optim_${padded}_rank${gap}.pt (every rank from 0 saves one)`;
    }
    // The model file and one optimizer file per rank open together from the step's row.
    if (g.model && g.optims.length > 0) base.shards = 1 + g.optims.length;
    out.push(entryFrom(base, info));
  }
  return out;
}

async function hfCheckpoint(
  dir: DirEntry,
  step: number,
  cache: SidecarCache | undefined,
  warnings: string[],
): Promise<{ entry: CheckpointEntry; info: SidecarInfo }> {
  const read = await readDirEntries(dir.path);
  if (read.problem) warnings.push(read.problem);
  // Subfolders (DeepSpeed's global_stepN, adapters) are not summed: listing stays one level deep.
  const files = read.entries.filter((e) => !e.isDir).map((e) => toFile(e, hfFileRole(e.name)));
  files.sort((a, b) => compareNames(a.name, b.name));
  const state = read.entries.find((e) => e.name === 'trainer_state.json' && !e.isDir);
  let info: SidecarInfo = { metrics: {} };
  if (state) {
    info = readSidecar(state.path, state.bytes, state.mtimeMs, trainerStateInfo, cache);
    if (info.problem) warnings.push(`${state.path}: ${info.problem}; its metrics are skipped`);
  }
  const models = files.filter((f) => f.role === 'model');
  // A sharded save opens through its index, which names every shard.
  const sets = [...groupShardSets(read.entries).values()];
  const index = sets.find((p) => p.index)?.index;
  const main =
    models.find((f) => f.name === 'model.safetensors') ??
    models.find((f) => f.name === 'pytorch_model.bin') ??
    (index ? files.find((f) => f.path === index.path) : undefined) ??
    models[0];
  const entry = entryFrom(
    {
      name: dir.name,
      layout: 'huggingface',
      step,
      mainFile: main?.path ?? null,
      path: dir.path,
      files,
      ...(main ? {} : { incomplete: 'no model weights in the folder' }),
    },
    info,
  );
  const shards = sets.reduce((n, p) => n + p.shards.length, 0);
  if (shards > 0) entry.shards = shards;
  return { entry, info };
}

function singleFileRole(name: string): FileRole {
  const lower = name.toLowerCase();
  if (/^optimizer\./.test(lower)) return 'optimizer';
  // Weight-only formats and names: the whole file is model bytes.
  if (lower.endsWith('.safetensors') || /^(pytorch_model|model|adapter_model)([-.]|$)/.test(lower) && lower.endsWith('.bin')) {
    return 'model';
  }
  return 'full';
}

function singleFile(e: DirEntry): CheckpointEntry {
  const { step, epoch } = parseStepEpoch(e.name);
  return entryFrom({
    name: e.name,
    layout: 'file',
    step,
    ...(epoch !== undefined ? { epoch } : {}),
    mainFile: e.path,
    path: e.path,
    files: [toFile(e, singleFileRole(e.name))],
  });
}

/** True when a folder's entries alone show it holds checkpoints (before reading any subfolder). */
export function holdsCheckpoints(entries: readonly DirEntry[]): boolean {
  return isDcpFolder(entries) || holdsMegatron(entries) || entries.some((e) => (e.isDir ? parseHfCheckpointDir(e.name) !== undefined : isCheckpointFileName(e.name) || parseNanochatName(e.name) !== undefined));
}

/** The checkpoints among one folder's entries, sorted; warnings collect what was skipped. */
export async function folderCheckpoints(
  entries: readonly DirEntry[],
  cache: SidecarCache | undefined,
  warnings: string[],
): Promise<FolderCheckpoints> {
  const nanochatFiles: DirEntry[] = [];
  const singles: CheckpointEntry[] = [];
  const hfDirs: { e: DirEntry; step: number }[] = [];
  for (const e of entries) {
    if (e.isDir) {
      const step = parseHfCheckpointDir(e.name);
      if (step !== undefined) hfDirs.push({ e, step });
    } else if (parseNanochatName(e.name)) {
      nanochatFiles.push(e);
    } else if (isCheckpointFileName(e.name) && !isFsdpRankFile(e.name) && !isShardSetFileName(e.name) && !isDeepspeedFileName(e.name)) {
      singles.push(singleFile(e));
    }
  }
  const nanochat = nanochatSteps(nanochatFiles, cache, warnings);
  const hf = await mapLimit(hfDirs, 8, (d) => hfCheckpoint(d.e, d.step, cache, warnings));
  const dcp = isDcpFolder(entries) ? [dcpFolderCheckpoint(entries)] : [];
  const checkpoints = [...nanochat, ...hf.map((h) => h.entry), ...singles, ...dcp, ...fsdpRankSets(entries), ...hfShardSets(entries), ...deepspeedSets(entries), ...(await megatronIterations(entries, warnings))].sort(compareCheckpoints);
  const out: FolderCheckpoints = { checkpoints };
  // The newest checkpoint's trainer state knows the best of all before it.
  const newest = hf.filter((h) => h.info.bestCheckpoint).sort((a, b) => b.entry.step! - a.entry.step!)[0];
  if (newest?.info.bestCheckpoint) out.trainerBest = basename(newest.info.bestCheckpoint);
  return out;
}
