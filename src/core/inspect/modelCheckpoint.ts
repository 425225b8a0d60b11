// Lightning's ModelCheckpoint callback state (under `callbacks`, keyed by its state key): what it
// monitors, the best and current scores, and the best checkpoints it kept. The scores are
// one-element tensors, read from the file like the other scalar metrics.
import { PyDict } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { keyToString } from '../torch/tensorWalk';
import { callbackLabels, stateKeyArgument } from './callbackKeys';
import type { ModelCheckpointState } from './report';
import { readScalarValue } from './scalarMetrics';

/** best_k_models entries read (save_top_k=-1 keeps every checkpoint). */
const MAX_BEST_K = 100;

function isModelCheckpoint(key: string, state: PyValue): state is PyDict {
  return state instanceof PyDict && (/^ModelCheckpoint\{/.test(key) || (state.get('best_model_score') !== undefined && state.get('best_k_models') !== undefined));
}

function str(v: PyValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The ModelCheckpoint states of a Lightning checkpoint's `callbacks` dict. */
export async function readModelCheckpoints(ckpt: LoadedCheckpoint, callbacks: PyValue | undefined): Promise<ModelCheckpointState[]> {
  if (!(callbacks instanceof PyDict)) return [];
  const keys = [...callbacks.map.keys()].map(keyToString);
  const labels = callbackLabels(keys);
  const out: ModelCheckpointState[] = [];
  for (const [k, state] of callbacks.entries()) {
    const key = keyToString(k);
    if (!isModelCheckpoint(key, state)) continue;
    const entry: ModelCheckpointState = { key, label: labels.get(key) ?? key, bestKModels: [] };
    const monitor = str(state.get('monitor'));
    if (monitor) entry.monitor = monitor;
    const mode = stateKeyArgument(key, 'mode');
    if (mode) entry.mode = mode;
    const best = await readScalarValue(ckpt, state.get('best_model_score'));
    if (best !== undefined) entry.bestModelScore = best;
    const current = await readScalarValue(ckpt, state.get('current_score'));
    if (current !== undefined) entry.currentScore = current;
    const bestPath = str(state.get('best_model_path'));
    if (bestPath) entry.bestModelPath = bestPath;
    const bestK = state.get('best_k_models');
    if (bestK instanceof PyDict) {
      for (const [path, score] of [...bestK.entries()].slice(0, MAX_BEST_K)) {
        const value = await readScalarValue(ckpt, score);
        entry.bestKModels.push(value === undefined ? { path: keyToString(path) } : { path: keyToString(path), score: value });
      }
    }
    out.push(entry);
  }
  return out;
}

/** The metrics a ModelCheckpoint state gives: `<monitor>` (the current score) and `best_<monitor>`. */
export function modelCheckpointMetrics(states: readonly ModelCheckpointState[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const s of states) {
    if (!s.monitor) continue;
    if (s.currentScore !== undefined) out.push([s.monitor, s.currentScore]);
    if (s.bestModelScore !== undefined) out.push([`best_${s.monitor}`, s.bestModelScore]);
  }
  return out;
}
