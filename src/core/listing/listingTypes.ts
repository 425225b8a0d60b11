// What listing a root tells: plain JSON data, shared by the CLI's `list --json`, the tree and the
// storage summary. Built from directory entries, sizes, mtimes and small JSON sidecars only.

import type { CheckpointMark } from '../marks/checkpointMarks';

/** nanochat's four checkpoint folders, or any other folder that holds checkpoints. */
export type RunKind = 'base' | 'mid' | 'sft' | 'rl' | 'folder';

/**
 * What a file is for, so storage can be split into model and optimizer bytes.
 * `full` is a single-file checkpoint whose split is unknown without opening it.
 */
export type FileRole = 'model' | 'optimizer' | 'meta' | 'full' | 'other';

/** How the files of one logical checkpoint were recognised. */
export type CheckpointLayout = 'nanochat' | 'huggingface' | 'file' | 'dcp' | 'fsdp-ranks' | 'hf-sharded' | 'deepspeed' | 'megatron';

export interface CheckpointFile {
  /** Absolute path. */
  path: string;
  /** Base name, for display. */
  name: string;
  role: FileRole;
  bytes: number;
  mtimeMs: number;
  /** nanochat optimizer shards: the rank from `optim_<step>_rank<r>.pt`. */
  rank?: number;
}

export interface CheckpointEntry {
  /** Display name: `step 000100`, `checkpoint-200`, `best.pt`. */
  name: string;
  layout: CheckpointLayout;
  /** The training step, when the names or sidecars tell it; null otherwise. */
  step: number | null;
  /** The epoch, when the name tells it (`epoch_2.pt`, `epoch=1-step=20.ckpt`). */
  epoch?: number;
  /** The file to open to inspect it (the model file; the single file; HF's weights). */
  mainFile: string | null;
  /** The folder of an HF checkpoint; the file itself for a single file; the run dir for nanochat. */
  path: string;
  files: CheckpointFile[];
  bytes: number;
  modelBytes: number;
  optimizerBytes: number;
  /** Newest mtime of its files. */
  mtimeMs: number;
  /** Numbers read from sidecars: `{ val_bpb: 0.81 }`, `{ eval_loss: 1.2 }`. Empty when none. */
  metrics: Record<string, number>;
  /** The run's best by its primary metric (or named `best*` when there are no metrics). */
  best: boolean;
  /** Why it looks unfinished: a missing model file, a 0-byte file. Absent when it looks whole. */
  incomplete?: string;
  /** The run's planned length in steps, as its sidecar records it (nanochat's `num_iterations`, HF's `max_steps`). */
  plannedSteps?: number;
  /** Pinned, noted or archived, from the run's state file (`.checkpoint-manager.json`). */
  mark?: CheckpointMark;
  /** The data files of a checkpoint sharded over many (a DCP folder's `.distcp` files, FSDP's rank files, HF's numbered shards). */
  shards?: number;
  /** The file that names it as the one to resume from (Megatron's `latest_checkpointed_iteration.txt`). */
  latest?: string;
}

export interface RunListing {
  kind: RunKind;
  /** nanochat's model tag (`d20`), or the folder's path relative to its root (`.` for the root). */
  tag: string;
  /** Absolute path of the folder. */
  dir: string;
  /** Sorted by step (nulls last), then epoch, then name. */
  checkpoints: CheckpointEntry[];
  bytes: number;
  modelBytes: number;
  optimizerBytes: number;
  /** The metric that decided `best`, with its direction; absent when no checkpoint has one. */
  primaryMetric?: { name: string; lowerIsBetter: boolean };
}

export interface RootListing {
  /** Absolute path that was listed. */
  root: string;
  /** `nanochat` when it holds `base_checkpoints` and friends; `folder` otherwise. */
  layout: 'nanochat' | 'folder';
  exists: boolean;
  runs: RunListing[];
  /** Things that were skipped and why (unreadable folders, symlink loops, bad sidecars). */
  warnings: string[];
}

export interface ListOptions {
  /** Folder levels below a folder root that are searched (default 4). */
  scanDepth?: number;
  /** Reused across listings so an unchanged sidecar is not read again. */
  cache?: SidecarCache;
}

/** Parsed sidecar metrics keyed by path, valid while size and mtime are unchanged. */
export interface SidecarCache {
  get(path: string, bytes: number, mtimeMs: number): SidecarInfo | undefined;
  set(path: string, bytes: number, mtimeMs: number, info: SidecarInfo): void;
}

/** What a sidecar told; each part optional because sidecars are often partial or broken. */
export interface SidecarInfo {
  step?: number;
  metrics: Record<string, number>;
  /** HF trainer_state.json: the folder name of the best checkpoint (`checkpoint-200`). */
  bestCheckpoint?: string;
  /** The planned length in steps: nanochat's `user_config.num_iterations`, HF's `max_steps`. */
  plannedSteps?: number;
  /** Set when the file could not be read or parsed: the metric is skipped, the file kept. */
  problem?: string;
}
