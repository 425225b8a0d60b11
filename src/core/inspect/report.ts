// What inspecting one checkpoint file tells: the shape shared by the CLI's JSON, the inspector
// webview and the tree's tooltips. Plain JSON data only (no bigint, no classes).

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'torchscript' | 'safetensors';

export type Verdict = 'safe' | 'suspicious' | 'dangerous';

export interface SecurityReport {
  verdict: Verdict;
  /** Every `module.name` the file's pickles named, in first-seen order. */
  globals: string[];
  /** The globals that made the verdict dangerous. */
  dangerous: string[];
  /** The globals that are neither known-safe nor known-dangerous. */
  suspicious: string[];
}

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

/** Two paths that reach the same bytes (tied weights): `path` = `sameAs`. */
export interface TiedPair {
  path: string;
  /** The first path, in walk order, that reaches them. */
  sameAs: string;
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
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

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
  /** Layers inferred from the weight names (`h.<i>.`, `layers.<i>.`...) or the config. */
  depth?: number;
  layers: LayerSummary[];
  /** Where the model weights live in the file (`''` for a flat state dict, `model_state_dict`...). */
  modelKey?: string;
  /** Things worth knowing that are not errors: a big-endian archive, a sidecar read, a TorchScript file. */
  notes: string[];
}
