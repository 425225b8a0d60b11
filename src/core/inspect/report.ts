// What inspecting one checkpoint file tells: the shape shared by the CLI's JSON, the inspector
// webview and the tree's tooltips. Plain JSON data only (no bigint, no classes).

import type { JsonValue } from '../json';
import type { SecurityReport } from '../security/securityReport';
import type { CheckpointFormat } from '../torch/checkpointFormat';
import type { TiedPair } from '../torch/tiedTensors';

/**
 * What a tensor is: a model weight (`parameter`), a registered buffer of the model (a causal
 * mask, BatchNorm statistics), optimizer state, a random generator's state, or anything else.
 */
export type TensorRole = 'parameter' | 'buffer' | 'optimizer' | 'rng' | 'other';

/** Tensors of one role: how many paths, and their elements and bytes with shared storage counted once. */
export interface RoleTotals {
  tensors: number;
  elements: number;
  bytes: number;
}

export interface TensorInfo {
  /** Keys from the root joined with `.`; list and tuple indices as numbers. */
  path: string;
  /** torch's dtype name without `torch.`: float32, bfloat16, int64, bool... */
  dtype: string;
  shape: number[];
  /** Bytes of the tensor's own elements (numel × element size), not of its whole storage. */
  nbytes: number;
  /** sha256 of the elements in row-major order, little-endian, as `t.contiguous()` holds them. */
  sha256?: string;
  role: TensorRole;
  /** Set when an earlier path reaches the same bytes (a tied weight): that path. */
  sameAs?: string;
  /** The device the tensor was saved from (`cpu`, `cuda:0`, `mps`), as torch recorded it; absent for safetensors. */
  device?: string;
  /** `path` made readable where it runs through a Lightning callback's state key (see callbackKeys.ts). */
  label?: string;
  /** The shard file that holds it, in a sharded set (the files of its chunks, joined by `, `, for an assembled tensor). */
  file?: string;
  /** The chunks a torch.distributed.checkpoint tensor is assembled from: file, offsets and sizes in the full tensor. */
  chunks?: Array<{ file: string; offsets: number[]; sizes: number[] }>;
}

/** One entry of a nested value, for a tree opened level by level; bounded (see valueTree.ts). */
export interface ValueNode {
  /** The key or index under its parent; a readable label for a Lightning callback state key. */
  key: string;
  /** The exact key, when `key` is a label for it. */
  fullKey?: string;
  /** A short Python-ish type, as KeySummary's. */
  type: string;
  /** A short rendering of a scalar. */
  value?: string;
  /** A container's entries, as far as the bounds allow. */
  children?: ValueNode[];
  /** Entries left out by the bounds. */
  more?: number;
  /** For a container of tensors only (a state dict): their number; they are in the tensor list. */
  tensors?: number;
}

/** One optimizer's `state_dict()`: its settings per parameter group and what it keeps per parameter. */
export interface OptimizerSummary {
  /** Where the state dict sits: `optimizer`, `optimizer_states.0`, `0` in nanochat's list, `''` for the root. */
  path: string;
  /** The optimizer its state and settings point to (`Adam/AdamW`, `SGD`, `Muon`...), when they do. */
  kind?: string;
  /** Parameters listed by the groups, and those that have state. */
  parameters: number;
  parametersWithState: number;
  /** The per-parameter state keys, in first-seen order: `step`, `exp_avg`, `exp_avg_sq`, `momentum_buffer`... */
  stateKeys: string[];
  /** Steps taken, from the per-parameter `step` (a one-element tensor since torch 1.12, else a number). */
  step?: number;
  groups: OptimizerGroup[];
}

export interface OptimizerGroup {
  /** Parameters in the group. */
  parameters: number;
  /** Every other scalar setting (`lr`, `betas`, `momentum`, `weight_decay`, `eps`, `nesterov`...), as saved. */
  settings: { [key: string]: JsonValue };
}

/** A Lightning `ModelCheckpoint` callback's saved state. */
export interface ModelCheckpointState {
  /** The callback's state key, and its readable label (`ModelCheckpoint(monitor=val_loss)`). */
  key: string;
  label: string;
  monitor?: string;
  /** `min` or `max`, from the state key. */
  mode?: string;
  bestModelScore?: number;
  currentScore?: number;
  bestModelPath?: string;
  /** The best checkpoints kept, with their scores. */
  bestKModels: Array<{ path: string; score?: number }>;
}

/** One top-level key of the checkpoint, for "what is in here". */
export interface KeySummary {
  key: string;
  /** A short Python-ish type: `OrderedDict[312]`, `dict[4]`, `int`, `float`, `Tensor`, `Namespace`... */
  type: string;
  /** A short rendering of scalar values (`1200`, `0.8123`, `'adamw'`). */
  value?: string;
  /** Tensors below this key and their total elements and bytes. */
  tensors: number;
  elements: number;
  bytes: number;
  /** A container's entries as a bounded tree (absent for scalars and for containers of tensors only). */
  children?: ValueNode[];
  /** Entries of the container left out of `children`. */
  more?: number;
}

/** A group of tensors under one module prefix (e.g. `transformer.h.*`), for the layer summary. */
export interface LayerSummary {
  prefix: string;
  tensors: number;
  parameters: number;
  bytes: number;
  dtypes: string[];
}

export interface InspectReport {
  file: string;
  /** File size in bytes. */
  size: number;
  format: CheckpointFormat;
  /** One entry per tensor occurrence (tied weights appear once per path). */
  tensors: TensorInfo[];
  /**
   * Elements of all tensors, whatever their role, each element of each storage counted once:
   * tied weights, slices and other views of one storage do not add to it.
   */
  parameters: number;
  /** Elements of the model's weights alone: role `parameter` (no buffers, optimizer or RNG state), shared storage once. */
  modelParameters: number;
  /** Bytes of all tensors' elements, shared storage once: never more than the storages hold. */
  tensorBytes: number;
  /** Totals per role, for the roles present. */
  roles: Partial<Record<TensorRole, RoleTotals>>;
  /** Every path that reaches the same bytes as an earlier one. */
  tied: TiedPair[];
  security: SecurityReport;
  keys: KeySummary[];
  step?: number;
  epoch?: number;
  metrics: Record<string, number>;
  config?: { [key: string]: JsonValue };
  /** The model's architecture as saved beside it: nanoGPT's `model_args`, nanochat's `model_config`. */
  architecture?: { [key: string]: JsonValue };
  /** Optimizer state dicts found in the file (nanochat's optimizer files hold a list of them). */
  optimizers?: OptimizerSummary[];
  /** Lightning `ModelCheckpoint` callback states. */
  modelCheckpoints?: ModelCheckpointState[];
  /** The sidecar read beside the file (`meta_<step>.json`, `trainer_state.json`), as a bounded tree. */
  sidecar?: { file: string; values: ValueNode[]; more?: number };
  /** Layers inferred from the weight names (`h.<i>.`, `layers.<i>.`...) or the config. */
  depth?: number;
  layers: LayerSummary[];
  /** Where the model weights live in the file (`''` for a flat state dict, `model_state_dict`...). */
  modelKey?: string;
  /** The files of a sharded set, with their sizes and tensor counts (`size` is theirs together). */
  shards?: { index: string; files: Array<{ file: string; size: number; tensors: number; tensorBytes: number }> };
  /** Things worth knowing that are not errors: a big-endian archive, a sidecar read, a TorchScript file. */
  notes: string[];
}
