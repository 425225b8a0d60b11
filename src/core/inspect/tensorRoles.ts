// What each tensor of a checkpoint is: a model parameter, a registered buffer (a causal mask,
// BatchNorm statistics), optimizer state, RNG state, or something else (a metric, a scheduler's
// value). Only parameters count as the model's parameters. The rules are conservative: a tensor
// is a buffer or RNG state only when its name, dtype and shape all say so.
import type { PyDict, PyValue } from '../values/pyValue';
import type { TensorRef } from '../torch/tensorRef';
import type { TensorOccurrence } from '../torch/tensorWalk';
import { findDicts } from '../torch/tensorWalk';
import { findModelKey } from './modelLayout';
import type { TensorRole } from './report';

/** Top-level keys that hold optimizer state in common layouts (`optimizer`, `optimizer_states`...). */
const OPTIMIZER_KEY = /^optim/i;
/** `rng_state`, `torch_rng_state`, `cuda_rng_state`, `rng_states`, `random_state`... */
const RNG_NAME = /(?:^|_)rng(?:_|s?$)|random_states?$/i;
/** Hugging Face's `rng_state.pth` is a dict of one state per generator: these hold torch's. */
const HF_RNG_TORCH_KEYS = new Set(['cpu', 'cuda', 'xla', 'npu', 'mps', 'hpu', 'mlu', 'musa']);
/** Buffers whose name alone says so: BatchNorm statistics, rotary frequencies, position ids, GPT-2's masked_bias. */
const BUFFER_NAMES = new Set(['running_mean', 'running_var', 'num_batches_tracked', 'inv_freq', 'position_ids', 'masked_bias']);
/** Names that are a causal mask when the tensor is square in its last two dimensions and 1 in any before. */
const MASK_NAMES = new Set(['tril', 'causal_mask', 'mask']);

export interface RoleAssignment {
  /** One role per occurrence, in the same order. */
  roles: TensorRole[];
  /** Where the model's tensors live (see findModelKey); undefined when the file holds none. */
  modelKey: string | undefined;
}

/** `[1, 1, T, T]`-like: square in the last two dimensions, 1 in the others (at least 2-D). */
function isSquareMask(t: TensorRef): boolean {
  const n = t.shape.length;
  return n >= 2 && t.shape[n - 1] === t.shape[n - 2] && t.shape.slice(0, -2).every((d) => d === 1);
}

/**
 * A registered buffer, judged on the tensor's name (the last part of its path, in the model or in
 * the file) and its shape: a Linear's `bias` is 1-D and stays a parameter; nanoGPT's and GPT-2's
 * `attn.bias` mask is `[1, 1, T, T]`.
 */
export function isBuffer(modelPath: string, t: TensorRef): boolean {
  const name = modelPath.slice(modelPath.lastIndexOf('.') + 1);
  if (BUFFER_NAMES.has(name)) return true;
  if (name === 'bias') return t.shape.length === 4 && t.shape[0] === 1 && t.shape[1] === 1 && isSquareMask(t);
  return MASK_NAMES.has(name) && isSquareMask(t);
}

function isRngState(path: string, t: TensorRef, hfRngFile: boolean): boolean {
  // Generators' states are byte tensors (torch.get_rng_state(), torch.cuda.get_rng_state()).
  if (t.dtype.name !== 'uint8') return false;
  const segments = path.split('.');
  return segments.some((s) => RNG_NAME.test(s)) || (hfRngFile && HF_RNG_TORCH_KEYS.has(segments[0]));
}

/** An optimizer's state_dict(): the dicts walkRoot is asked to find for assignRoles. */
export function isOptimizerDict(d: PyDict): boolean {
  return d.get('state') !== undefined && d.get('param_groups') !== undefined;
}

/** A test for "`path` is `prefix` or below it", with `prefix.` joined once, not once per path. */
function underOne(prefixes: readonly string[]): (path: string) => boolean {
  const dotted = prefixes.map((p) => `${p}.`);
  return (path) => {
    for (let i = 0; i < prefixes.length; i++) if (path === prefixes[i] || path.startsWith(dotted[i])) return true;
    return false;
  };
}

/**
 * The role of every occurrence, and where the model is: under `weightsKey` when the checkpoint's
 * layout names one (a DeepSpeed folder's assembled `fp32`) and it holds tensors. `optimizerDicts`:
 * findDicts(root, isOptimizerDict), when a walk has found them already.
 */
export function assignRoles(
  root: PyValue,
  occurrences: readonly TensorOccurrence[],
  topKeys: readonly string[],
  weightsKey?: string,
  optimizerDicts?: readonly string[],
): RoleAssignment {
  // An optimizer's state_dict() is a dict with `state` and `param_groups`, wherever it sits.
  const optimizerStates = (optimizerDicts ?? findDicts(root, isOptimizerDict)).map((p) => (p === '' ? 'state' : `${p}.state`));
  const optimizerKeys = topKeys.filter((k) => OPTIMIZER_KEY.test(k));
  const keys = new Set(topKeys);
  const hfRngFile = keys.has('python') && keys.has('numpy') && keys.has('cpu');
  const optimizerPath = underOne([...optimizerStates, ...optimizerKeys]);
  // The roles known from the path and dtype alone, and the occurrences left (one pass for both).
  const roles: Array<TensorRole | undefined> = [];
  const candidates: TensorOccurrence[] = [];
  for (const o of occurrences) {
    const role = optimizerPath(o.path) ? 'optimizer' : isRngState(o.path, o.tensor.payload, hfRngFile) ? 'rng' : undefined;
    roles.push(role);
    if (role === undefined) candidates.push(o);
  }
  const modelKey = weightsKey !== undefined && candidates.some((o) => o.path.startsWith(`${weightsKey}.`)) ? weightsKey : findModelKey(candidates, topKeys);
  const prefix = modelKey ? `${modelKey}.` : '';
  return {
    modelKey,
    roles: occurrences.map((o, i) => {
      const known = roles[i];
      if (known) return known;
      if (modelKey === undefined || !o.path.startsWith(prefix)) return 'other';
      // (isBuffer reads the name's last part, which the model's path and the whole path share: no slice.)
      return isBuffer(o.path, o.tensor.payload) ? 'buffer' : 'parameter';
    }),
  };
}
