// Optimizer state dicts (`optimizer.state_dict()`: `state` per parameter id, `param_groups` with
// the settings) wherever a checkpoint keeps them: nanoGPT's `optimizer`, a loop's
// `optimizer_state_dict`, Lightning's `optimizer_states` list, nanochat's list at the root.
import { PyDict, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { keyToString } from '../torch/tensorWalk';
import { isTensor } from '../torch/torchReconstructions';
import { setOwn } from './ownRecord';
import { pyToJson } from './pyJson';
import type { OptimizerGroup, OptimizerSummary } from './report';
import type { JsonValue } from '../json';
import { readScalarValue } from './scalarMetrics';
import { pyEntries } from './valueTree';

/** How far below the root optimizer state dicts are looked for, and how many containers at most. */
const MAX_SEARCH_DEPTH = 3;
const MAX_SEARCH_VISITS = 2000;
/** Entries of one container looked at: optimizers sit under a key, or early in a short list. */
const MAX_SEARCH_ENTRIES = 1000;
/** Per-parameter states looked at for their keys (all parameters of a model share the same keys). */
const MAX_STATES_SCANNED = 10_000;
/** A tuple setting longer than this (never seen in an optimizer) is not a scalar setting. */
const MAX_SETTING_ITEMS = 8;

function isOptimizerState(v: PyValue): v is PyDict {
  if (!(v instanceof PyDict) || !(v.get('state') instanceof PyDict)) return false;
  const groups = v.get('param_groups');
  return Array.isArray(groups) && groups.length > 0 && groups.every((g) => g instanceof PyDict);
}

/** Optimizer state dicts at most MAX_SEARCH_DEPTH containers below the root, with their paths. */
export function findOptimizerStates(root: PyValue): Array<{ path: string; dict: PyDict }> {
  const found: Array<{ path: string; dict: PyDict }> = [];
  const seen = new Set<PyValue>();
  const queue: Array<{ path: string; value: PyValue; depth: number }> = [{ path: '', value: root, depth: 0 }];
  for (let i = 0; i < queue.length && seen.size < MAX_SEARCH_VISITS; i++) {
    const { path, value, depth } = queue[i];
    if (seen.has(value)) continue;
    seen.add(value);
    if (isOptimizerState(value)) {
      found.push({ path, dict: value });
      continue;
    }
    if (depth >= MAX_SEARCH_DEPTH) continue;
    for (const [k, x] of pyEntries(value, MAX_SEARCH_ENTRIES)?.entries ?? []) {
      if (queue.length >= MAX_SEARCH_VISITS) break;
      if (typeof x === 'object' && x !== null && !isTensor(x)) queue.push({ path: path === '' ? k : `${path}.${k}`, value: x, depth: depth + 1 });
    }
  }
  return found;
}

function isScalar(v: PyValue): boolean {
  return v === null || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string';
}

/** A setting worth showing: a scalar, or a short tuple of scalars such as `betas`. */
function settingValue(v: PyValue): JsonValue | undefined {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (items) return items.length <= MAX_SETTING_ITEMS && items.every(isScalar) ? pyToJson(v) : undefined;
  return isScalar(v) ? pyToJson(v) : undefined;
}

function groupSummary(group: PyDict): OptimizerGroup {
  const params = group.get('params');
  const settings: { [key: string]: JsonValue } = {};
  for (const [k, v] of group.entries()) {
    if (k === 'params') continue;
    const value = settingValue(v);
    if (value !== undefined) setOwn(settings, keyToString(k), value);
  }
  return { parameters: Array.isArray(params) ? params.length : 0, settings };
}

/** The optimizer that keeps this state with these settings, when they say. */
export function optimizerKind(stateKeys: readonly string[], settingKeys: readonly string[]): string | undefined {
  const state = new Set(stateKeys);
  const settings = new Set(settingKeys);
  if (settings.has('ns_steps')) return 'Muon';
  if (state.has('exp_avg') && state.has('exp_avg_sq')) return 'Adam/AdamW';
  if (state.has('exp_avg') && state.has('exp_inf')) return 'Adamax';
  if (state.has('square_avg') && state.has('acc_delta')) return 'Adadelta';
  if (state.has('square_avg')) return 'RMSprop';
  if (state.has('sum')) return 'Adagrad';
  if (settings.has('dampening') || state.has('momentum_buffer')) return 'SGD';
  return undefined;
}

async function summarizeOne(ckpt: LoadedCheckpoint, path: string, dict: PyDict): Promise<OptimizerSummary> {
  const state = dict.get('state') as PyDict;
  const groups = (dict.get('param_groups') as PyDict[]).map(groupSummary);
  const stateKeys = new Set<string>();
  let firstStep: PyValue | undefined;
  let scanned = 0;
  for (const perParam of state.map.values()) {
    if (++scanned > MAX_STATES_SCANNED) break;
    if (!(perParam instanceof PyDict)) continue;
    for (const k of perParam.map.keys()) stateKeys.add(keyToString(k));
    const step = perParam.get('step');
    if (firstStep === undefined && step !== undefined && (isTensor(step) || typeof step === 'number' || typeof step === 'bigint')) firstStep = step;
  }
  const keys = [...stateKeys];
  const summary: OptimizerSummary = {
    path,
    parameters: groups.reduce((s, g) => s + g.parameters, 0),
    parametersWithState: state.size,
    stateKeys: keys,
    groups,
  };
  const kind = optimizerKind(keys, groups.flatMap((g) => Object.keys(g.settings)));
  if (kind) summary.kind = kind;
  // All parameters step together; the first one's count is the optimizer's.
  const step = await readScalarValue(ckpt, firstStep);
  if (step !== undefined && Number.isFinite(step)) summary.step = step;
  return summary;
}

export async function summarizeOptimizers(ckpt: LoadedCheckpoint): Promise<OptimizerSummary[]> {
  const out: OptimizerSummary[] = [];
  for (const { path, dict } of findOptimizerStates(ckpt.root)) out.push(await summarizeOne(ckpt, path, dict));
  return out;
}
