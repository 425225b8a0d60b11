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
  /** Total elements of the distinct tensors. */
  parameters: number;
  /**
   * Elements of the model weights alone (no optimizer state), each storage view once: tied weights
   * saved as two tensor objects on one storage (nanoGPT, Hugging Face) count once here.
   */
  modelParameters: number;
  /** Total bytes of the distinct tensors. */
  tensorBytes: number;
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
