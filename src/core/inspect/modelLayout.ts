// Where the model weights sit in a checkpoint, how deep the model is, and its layers grouped by
// module — inferred from tensor names, the way a person reads a state dict.
import type { JsonValue, LayerSummary } from './report';
import type { TensorOccurrence } from '../torch/tensorWalk';
import { distinctTensors } from '../torch/tensorWalk';
import { numel, tensorNbytes } from '../torch/tensorRef';

/** Top-level keys that hold the model's weights in common layouts, most specific first. */
const MODEL_KEYS = ['model_state_dict', 'state_dict', 'model', 'module', 'net', 'network', 'model_ema', 'ema', 'weights', 'params', 'generator'];
const DEPTH_CONFIG_KEYS = ['n_layer', 'n_layers', 'num_layers', 'num_hidden_layers', 'depth', 'layers'];
const WRAPPER_PREFIXES = /^(?:_orig_mod\.|module\.)+/;
const OPTIMIZER_STATE = /(?:^|\.)state\.\d+\./;
const LAYER_INDEX = /(?:^|\.)(?:h|layers?|blocks?|resblocks)\.(\d+)(?:\.|$)/;

/**
 * The key under which the model's weights live: '' when the file is itself a state dict (most
 * occurrences are direct children of the root), else the first known key holding tensors.
 */
export function findModelKey(occurrences: readonly TensorOccurrence[], topKeys: readonly string[]): string | undefined {
  if (occurrences.length === 0) return undefined;
  // An optimizer's state alone (nanochat's optim_*_rank*.pt): no model weights here.
  if (occurrences.every((o) => OPTIMIZER_STATE.test(o.path))) return undefined;
  const firstParts = occurrences.map((o) => o.path.split('.')[0]);
  const present = new Set(firstParts);
  for (const k of MODEL_KEYS) if (present.has(k) && topKeys.includes(k)) return k;
  // A flat state dict: many distinct top-level names, none of them a known container.
  if (present.size > 1 && present.size >= occurrences.length / 8) return '';
  return present.size === 1 ? firstParts[0] : '';
}

export function modelOccurrences(occurrences: readonly TensorOccurrence[], modelKey: string | undefined): TensorOccurrence[] {
  if (modelKey === undefined) return [];
  if (modelKey === '') return [...occurrences];
  const prefix = `${modelKey}.`;
  return occurrences.filter((o) => o.path.startsWith(prefix)).map((o) => ({ path: o.path.slice(prefix.length), tensor: o.tensor }));
}

function stripWrappers(path: string): string {
  return path.replace(WRAPPER_PREFIXES, '');
}

function configDepth(config: { [key: string]: JsonValue } | undefined): number | undefined {
  if (!config) return undefined;
  for (const k of DEPTH_CONFIG_KEYS) {
    const v = config[k];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  return undefined;
}

/** Layers from names like `transformer.h.11.attn` (max index + 1), else from the config. */
export function inferDepth(model: readonly TensorOccurrence[], config?: { [key: string]: JsonValue }): number | undefined {
  let max = -1;
  for (const o of model) {
    const m = LAYER_INDEX.exec(stripWrappers(o.path));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max >= 0 ? max + 1 : configDepth(config);
}

/** Tensors grouped by module with layer indices folded: `transformer.h.*.attn.c_q`. */
export function summarizeLayers(model: readonly TensorOccurrence[]): LayerSummary[] {
  const groups = new Map<string, { occ: TensorOccurrence[] }>();
  for (const o of model) {
    const parts = stripWrappers(o.path).split('.');
    const prefix = parts.slice(0, -1).map((p) => (/^\d+$/.test(p) ? '*' : p)).join('.') || parts[0];
    let g = groups.get(prefix);
    if (!g) groups.set(prefix, (g = { occ: [] }));
    g.occ.push(o);
  }
  return [...groups].map(([prefix, g]) => {
    const distinct = distinctTensors(g.occ).map((t) => t.payload);
    return {
      prefix,
      tensors: g.occ.length,
      parameters: distinct.reduce((s, t) => s + numel(t.shape), 0),
      bytes: distinct.reduce((s, t) => s + tensorNbytes(t), 0),
      dtypes: [...new Set(distinct.map((t) => t.dtype.name))],
    };
  });
}
