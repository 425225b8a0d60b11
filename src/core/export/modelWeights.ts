// Which tensors of a checkpoint are the model's weights: the dict under a key training scripts
// use for them (model_state_dict, model, state_dict, module), the whole file when it is a flat
// state dict (nanochat's model_*.pt, safetensors), or the path the user names. The rest —
// optimizer, scheduler, counters — is left behind.
import { isTensor } from '../torch/torchReconstructions';
import type { TensorRef } from '../torch/tensorRef';
import { keyToString, walkTensors } from '../torch/tensorWalk';
import type { TensorOccurrence } from '../torch/tensorWalk';
import { PyDict, PyTuple } from '../values/pyValue';
import type { PyOpaque, PyValue } from '../values/pyValue';

/** Keys that hold a model's state dict, in the order they are tried. */
export const WEIGHT_KEYS = ['model_state_dict', 'model', 'state_dict', 'module'];

/** The per-rank keys a Megatron iteration opens with (checkpoint/megatronRanks.ts). */
const MEGATRON_RANK_KEY = /^tp\d+_pp\d+(_ep\d+)?$/;

/** The checkpoint holds no weights the export can find, or the key given names none. */
export class ExportInputError extends Error {
  readonly code = 'export-input';
  override readonly name = 'ExportInputError';
}

export interface WeightsSelection {
  /** The path the weights were found under; '' for the whole file. */
  key: string;
  /** Each tensor under it, with its name relative to it. */
  tensors: TensorOccurrence[];
  /** The top-level keys left behind. */
  dropped: string[];
}

function holdsTensors(v: PyValue | undefined): boolean {
  return v instanceof PyDict && walkTensors(v).length > 0;
}

function topKeys(root: PyValue): string[] {
  return root instanceof PyDict ? [...root.map.keys()].map(keyToString) : [];
}

/** The value under a dotted path: at each dict the longest key that matches the path's next parts. */
function valueAt(root: PyValue, path: string): PyValue | undefined {
  const parts = path.split('.');
  let v: PyValue | undefined = root;
  let i = 0;
  while (i < parts.length && v !== undefined) {
    let next: PyValue | undefined;
    let used = 0;
    if (v instanceof PyDict) {
      for (let j = parts.length; j > i && next === undefined; j--) {
        const key = parts.slice(i, j).join('.');
        for (const [k, x] of v.entries()) {
          if (keyToString(k) === key) {
            next = x;
            used = j - i;
            break;
          }
        }
      }
    } else if (Array.isArray(v) || v instanceof PyTuple) {
      const items = Array.isArray(v) ? v : v.items;
      const index = /^\d+$/.test(parts[i]!) ? Number(parts[i]) : -1;
      if (index >= 0 && index < items.length) {
        next = items[index];
        used = 1;
      }
    }
    if (next === undefined) return undefined;
    v = next;
    i += used;
  }
  return v;
}

function isFlatStateDict(root: PyValue): boolean {
  return root instanceof PyDict && root.size > 0 && [...root.map.values()].every((v) => isTensor(v));
}

export function selectWeights(root: PyValue, key?: string): WeightsSelection {
  if (key !== undefined && key !== '') {
    const v = valueAt(root, key);
    if (v === undefined) throw new ExportInputError(`there is no "${key}" in the checkpoint (its top-level keys: ${topKeys(root).join(', ') || 'none'}).`);
    const tensors = isTensor(v) ? [{ path: key.split('.').pop()!, tensor: v as PyOpaque<TensorRef> }] : walkTensors(v);
    if (!tensors.length) throw new ExportInputError(`"${key}" holds no tensors.`);
    const first = key.split('.')[0];
    return { key, tensors, dropped: topKeys(root).filter((k) => k !== first && k !== key) };
  }
  if (isFlatStateDict(root)) return { key: '', tensors: walkTensors(root), dropped: [] };
  if (root instanceof PyDict) {
    for (const name of WEIGHT_KEYS) {
      const v = root.get(name);
      if (holdsTensors(v)) return { key: name, tensors: walkTensors(v!), dropped: topKeys(root).filter((k) => k !== name) };
    }
  }
  const found = walkTensors(root).length;
  const rank = topKeys(root).find((k) => MEGATRON_RANK_KEY.test(k));
  if (found && rank) {
    throw new ExportInputError(
      `a Megatron-LM checkpoint's ranks hold tensor-parallel pieces, which are not merged: Megatron does not save which dimension each weight is split along. Export one rank's pieces with --key ${rank}.model, or merge the ranks with Megatron's tools/checkpoint/convert.py first.`,
    );
  }
  throw new ExportInputError(
    found
      ? `no model weights found under ${WEIGHT_KEYS.join(', ')} and the file is not a flat state dict; name the dict with --key (top-level keys: ${topKeys(root).join(', ') || 'none'}).`
      : 'the checkpoint holds no tensors to export.',
  );
}

/** Names with the first matching prefix removed from each (e.g. `_orig_mod.`, `module.`); clashes are refused. */
export function stripPrefixes(tensors: readonly TensorOccurrence[], prefixes: readonly string[]): TensorOccurrence[] {
  if (!prefixes.length) return [...tensors];
  const seen = new Map<string, string>();
  return tensors.map((o) => {
    let name = o.path;
    for (const p of prefixes) {
      if (p && name.startsWith(p)) {
        name = name.slice(p.length);
        break;
      }
    }
    if (name === '') throw new ExportInputError(`stripping the prefix leaves "${o.path}" without a name.`);
    const before = seen.get(name);
    if (before !== undefined) throw new ExportInputError(`stripping the prefix gives "${before}" and "${o.path}" the same name "${name}".`);
    seen.set(name, o.path);
    return { path: name, tensor: o.tensor };
  });
}
