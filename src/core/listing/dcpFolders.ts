// A torch.distributed.checkpoint folder (its `.metadata` and `.distcp` files) listed as one
// checkpoint: its size, its shard count (the .distcp files) and the step its name tells, or its
// parent's for Accelerate's `pytorch_model_fsdp_<i>/` and `optimizer_<i>/` inside
// `checkpoint_<n>/`. Built from the folder's entries alone: nothing is opened.
import { basename, dirname } from 'node:path';
import { compareNames, parseStepEpoch } from './checkpointNames';
import { DCP_METADATA, isDistcpName } from './dcpNames';
import type { DirEntry } from './dirEntries';
import type { CheckpointEntry, CheckpointFile, FileRole } from './listingTypes';

const ACCELERATE_PART = /^(pytorch_model_fsdp|optimizer)_\d+$/;

/** True when a folder's entries are a DCP checkpoint's. */
export function isDcpFolder(entries: readonly DirEntry[]): boolean {
  return entries.some((e) => !e.isDir && e.name === DCP_METADATA) && entries.some((e) => !e.isDir && isDistcpName(e.name));
}

function folderRole(name: string): FileRole {
  if (name.startsWith('optimizer_')) return 'optimizer';
  return name.startsWith('pytorch_model_fsdp') ? 'model' : 'full';
}

/** The folder's checkpoint; call only when isDcpFolder(entries). */
export function dcpFolderCheckpoint(entries: readonly DirEntry[]): CheckpointEntry {
  const metadata = entries.find((e) => !e.isDir && e.name === DCP_METADATA)!;
  const dir = dirname(metadata.path);
  const name = basename(dir);
  const role = folderRole(name);
  const files: CheckpointFile[] = entries
    .filter((e) => !e.isDir && (e.name === DCP_METADATA || isDistcpName(e.name)))
    .map((e) => ({ path: e.path, name: e.name, role: e.name === DCP_METADATA ? 'meta' : role, bytes: e.bytes, mtimeMs: e.mtimeMs }));
  // `.metadata` first, then the data files in rank order.
  files.sort((a, b) => Number(b.name === DCP_METADATA) - Number(a.name === DCP_METADATA) || compareNames(a.name, b.name));
  const named = parseStepEpoch(ACCELERATE_PART.test(name) ? basename(dirname(dir)) : name);
  let bytes = 0;
  let mtimeMs = 0;
  for (const f of files) {
    bytes += f.bytes;
    mtimeMs = Math.max(mtimeMs, f.mtimeMs);
  }
  const data = files.filter((f) => f.role !== 'meta');
  const entry: CheckpointEntry = {
    name,
    layout: 'dcp',
    step: named.step,
    mainFile: metadata.path,
    path: dir,
    files,
    bytes,
    modelBytes: role === 'model' ? data.reduce((n, f) => n + f.bytes, 0) : 0,
    optimizerBytes: role === 'optimizer' ? data.reduce((n, f) => n + f.bytes, 0) : 0,
    mtimeMs,
    metrics: {},
    best: false,
    shards: data.length,
  };
  if (named.epoch !== undefined) entry.epoch = named.epoch;
  const empty = files.find((f) => f.bytes === 0);
  if (empty) entry.incomplete = `${empty.name} is empty (still being written, or an interrupted save)`;
  return entry;
}
