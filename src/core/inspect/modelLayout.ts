// Where the model weights sit in a checkpoint, how deep the model is, and its layers grouped by
// module — inferred from tensor names, the way a person reads a state dict.
import type { LayerSummary, TensorRole } from './report';
import type { JsonValue } from '../json';
import { storageCoverage } from '../torch/storageCoverage';
import type { CoverageIndex } from '../torch/storageCoverage';
import type { TensorOccurrence } from '../torch/tensorWalk';

/** Top-level keys that hold the model's weights in common layouts, most specific first. */
const MODEL_KEYS = ['model_state_dict', 'state_dict', 'model', 'module', 'net', 'network', 'model_ema', 'ema', 'weights', 'params', 'generator'];
const DEPTH_CONFIG_KEYS = ['n_layer', 'n_layers', 'num_layers', 'num_hidden_layers', 'depth', 'layers'];
const WRAPPER_PREFIXES = /^(?:_orig_mod\.|module\.)+/;
const OPTIMIZER_STATE = /(?:^|\.)state\.\d+\./;
const LAYER_INDEX = /(?:^|\.)(?:h|layers?|blocks?|resblocks)\.(\d+)(?:\.|$)/;

/** The top-level key an occurrence sits under (keys may hold dots themselves). */
function topKeyOf(path: string, topKeys: ReadonlySet<string>): string | undefined {
  if (topKeys.has(path)) return path;
  for (let i = path.indexOf('.'); i >= 0; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    if (topKeys.has(head)) return head;
  }
  return undefined;
}

/**
 * The key under which the model's weights live: '' when the file is itself a state dict (its
 * tensors are the root's own values), else the first known key holding tensors, else the one key
 * that holds them all; undefined when the file holds no model weights (an optimizer shard).
 */
export function findModelKey(occurrences: readonly TensorOccurrence[], topKeyList: readonly string[]): string | undefined {
  if (occurrences.length === 0) return undefined;
  // An optimizer's state alone (nanochat's optim_*_rank*.pt): no model weights here.
  if (occurrences.every((o) => OPTIMIZER_STATE.test(o.path))) return undefined;
  const topKeys = new Set(topKeyList);
  // One lookup pass: a path that is a top key itself is its own holder.
  let direct = 0;
  const holders = new Set<string | undefined>();
  for (const o of occurrences) {
    const holder = topKeyOf(o.path, topKeys);
    if (holder === o.path) direct++;
    holders.add(holder);
  }
  if (direct * 2 >= occurrences.length) return '';
  for (const k of MODEL_KEYS) if (holders.has(k)) return k;
  const [only] = holders;
  return holders.size === 1 && only !== undefined ? only : '';
}

/**
 * The model's occurrences (those under `modelKey`, with paths relative to it; none when it is
 * undefined) and, among them, the parameters (by `roles`, one per occurrence), in one pass: each
 * model occurrence is made once and sits in both lists (a second filter and slice of 60,000 paths
 * cost more than the rest of the layer summary).
 */
export function modelAndParameters(
  occurrences: readonly TensorOccurrence[],
  modelKey: string | undefined,
  roles: readonly TensorRole[],
): { model: TensorOccurrence[]; parameters: TensorOccurrence[] } {
  const model: TensorOccurrence[] = [];
  const parameters: TensorOccurrence[] = [];
  if (modelKey === undefined) return { model, parameters };
  const prefix = modelKey === '' ? '' : `${modelKey}.`;
  for (let i = 0; i < occurrences.length; i++) {
    const o = occurrences[i];
    if (prefix !== '' && !o.path.startsWith(prefix)) continue;
    const m = prefix === '' ? o : { path: o.path.slice(prefix.length), tensor: o.tensor };
    model.push(m);
    if (roles[i] === 'parameter') parameters.push(m);
  }
  return { model, parameters };
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

/** `transformer.h.11.attn.c_q.weight` -> `transformer.h.*.attn.c_q`: the module, layer indices folded (the name alone when it has no dot). */
export function layerPrefix(path: string): string {
  const name = stripWrappers(path);
  const last = name.lastIndexOf('.');
  if (last < 0) return name;
  let out = '';
  let from = 0;
  // Each dot-separated part before the last, digits-only parts as `*`.
  while (from <= last) {
    let to = name.indexOf('.', from);
    if (to < 0 || to > last) to = last;
    let digits = to > from;
    for (let i = from; i < to && digits; i++) {
      const c = name.charCodeAt(i);
      digits = c >= 0x30 && c <= 0x39;
    }
    out += (from > 0 ? '.' : '') + (digits ? '*' : name.slice(from, to));
    from = to + 1;
  }
  return out;
}

/**
 * Tensors grouped by module with layer indices folded: `transformer.h.*.attn.c_q`; shared storage
 * counted once. `coverage`: an index made from a superset of these tensors, when the caller has one.
 */
export function summarizeLayers(model: readonly TensorOccurrence[], coverage?: CoverageIndex): LayerSummary[] {
  const groups = new Map<string, { occ: TensorOccurrence[] }>();
  for (const o of model) {
    const prefix = layerPrefix(o.path);
    let g = groups.get(prefix);
    if (!g) groups.set(prefix, (g = { occ: [] }));
    g.occ.push(o);
  }
  return [...groups].map(([prefix, g]) => {
    const tensors = g.occ.map((o) => o.tensor.payload);
    const { elements, bytes } = coverage ? coverage.coverage(tensors) : storageCoverage(tensors);
    return { prefix, tensors: g.occ.length, parameters: elements, bytes, dtypes: [...new Set(tensors.map((t) => t.dtype.name))] };
  });
}
