// The non-tensor differences of two checkpoints, key by key: step, epoch, metrics, config,
// architecture and the sidecar (nanochat's meta_<step>.json, a Trainer's trainer_state.json),
// and apart from them the optimizers' settings (lr, betas, weight_decay per parameter group).
// Objects are flattened to dotted keys; lists are compared whole. Values come from the same
// reading the inspector does (inspect/summarize.ts).
import type { JsonValue } from '../json';
import type { ValueDiff } from './compareReport';
import type { SideFacts } from './compareSide';


/** Leaves kept per side: a config of a million keys is hostile, not a config. */
const MAX_LEAVES = 20_000;
/** Sidecar keys the report already shows as config, architecture, step or metrics. */
const SIDECAR_SHOWN = new Set(['model_config', 'user_config', 'step']);

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(value: JsonValue | undefined, key: string, out: Map<string, JsonValue>): void {
  if (value === undefined || out.size >= MAX_LEAVES) return;
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, key ? `${key}.${k}` : k, out);
  } else out.set(key, value);
}

function same(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (a !== a && b !== b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function diffMaps(a: Map<string, JsonValue>, b: Map<string, JsonValue>): ValueDiff[] {
  const out: ValueDiff[] = [];
  for (const [key, va] of a) {
    if (!b.has(key)) out.push({ key, a: va });
    else if (!same(va, b.get(key)!)) out.push({ key, a: va, b: b.get(key)! });
  }
  for (const [key, vb] of b) if (!a.has(key)) out.push({ key, b: vb });
  return out;
}

function facts(side: SideFacts): Map<string, JsonValue> {
  const r = side.report;
  const out = new Map<string, JsonValue>();
  if (r.step !== undefined) out.set('step', r.step);
  if (r.epoch !== undefined) out.set('epoch', r.epoch);
  flatten(r.metrics, 'metrics', out);
  flatten(r.config, 'config', out);
  flatten(r.architecture, 'architecture', out);
  const sidecar = side.sidecar;
  if (sidecar) {
    for (const [k, v] of Object.entries(sidecar.values)) {
      if (SIDECAR_SHOWN.has(k) || Object.hasOwn(sidecar.metrics, k)) continue;
      flatten(v, `sidecar.${k}`, out);
    }
  }
  return out;
}

function optimizerFacts(side: SideFacts): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const o of side.report.optimizers ?? []) {
    const at = o.path === '' ? 'optimizer' : o.path;
    if (o.kind !== undefined) out.set(`${at}.kind`, o.kind);
    if (o.step !== undefined) out.set(`${at}.step`, o.step);
    o.groups.forEach((g, i) => {
      out.set(`${at}.param_groups.${i}.parameters`, g.parameters);
      flatten(g.settings, `${at}.param_groups.${i}`, out);
    });
  }
  return out;
}

/** The checkpoint's own values that differ (the model part of the report). */
export function diffValues(a: SideFacts, b: SideFacts): ValueDiff[] {
  return diffMaps(facts(a), facts(b));
}

/** The optimizers' settings that differ. */
export function diffOptimizerValues(a: SideFacts, b: SideFacts): ValueDiff[] {
  return diffMaps(optimizerFacts(a), optimizerFacts(b));
}
