// Small JSON sidecars that carry a checkpoint's step and metrics: nanochat's `meta_<step>.json`
// and Hugging Face's `trainer_state.json`. A sidecar that is missing, too big, half-written or not
// JSON yields `problem` and no metrics; it never throws.

import { readWholeSync } from '../io/readWhole';
import type { SidecarCache, SidecarInfo } from './listingTypes';

/** nanochat metas are a few KB; trainer states with long log histories reach a few MB. */
export const MAX_SIDECAR_BYTES = 8 * 1024 * 1024;

// Numbers worth showing as metrics. Counters and sizes in the same files (device_batch_size,
// max_seq_len, total_flos) are not metrics.
const METRIC_KEY = /(loss|bpb|bpc|acc|accuracy|ppl|perplexity|score|reward|f1|bleu|rouge|auc|pass@|metric|error|wer|cer)/i;
const NOT_METRIC_KEY = /(runtime|per_second|samples|flos|_steps?$|^epoch$|learning_rate|grad_norm)/i;

export function isMetricKey(key: string): boolean {
  return METRIC_KEY.test(key) && !NOT_METRIC_KEY.test(key);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses sidecar bytes as JSON; an empty, half-written or non-JSON file is a problem, not a throw. */
export function parseSidecarJson(bytes: Uint8Array): Parsed {
  if (bytes.length === 0) return { ok: false, problem: 'empty file' };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch {
    return { ok: false, problem: 'not valid JSON (truncated or still being written)' };
  }
}

function readJson(path: string, bytes: number): Parsed {
  if (bytes === 0) return { ok: false, problem: 'empty file' };
  const read = readWholeSync({ kind: 'file', path }, bytes, MAX_SIDECAR_BYTES);
  return read.ok ? parseSidecarJson(read.bytes) : read;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function positiveInteger(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** Metric-like finite numbers at the top level and under a `metrics` object. */
function collectMetrics(obj: Record<string, unknown>, into: Record<string, number>): void {
  for (const [key, value] of Object.entries(obj)) {
    const n = finiteNumber(value);
    if (n !== undefined && isMetricKey(key)) into[key] = n;
  }
  if (isRecord(obj.metrics)) {
    for (const [key, value] of Object.entries(obj.metrics)) {
      const n = finiteNumber(value);
      if (n !== undefined) into[key] = n;
    }
  }
}

/** What a nanochat `meta_<step>.json` holds: `step`, `val_bpb` (base, mid), `val_loss` and evals (SFT). */
export function nanochatMetaInfo(value: unknown): SidecarInfo {
  if (!isRecord(value)) return { metrics: {}, problem: 'not a JSON object' };
  const metrics: Record<string, number> = {};
  collectMetrics(value, metrics);
  const info: SidecarInfo = { metrics };
  const step = finiteNumber(value.step);
  if (step !== undefined) info.step = step;
  // -1 (the default) means the length came from a FLOPs or data budget and was not recorded.
  const planned = isRecord(value.user_config) ? positiveInteger(value.user_config.num_iterations) : undefined;
  if (planned !== undefined) info.plannedSteps = planned;
  return info;
}

/**
 * What a Trainer's `trainer_state.json` holds for its own step: the eval metrics logged at that
 * step (else the last ones logged before it), the last training loss, and the best checkpoint.
 */
export function trainerStateInfo(value: unknown): SidecarInfo {
  if (!isRecord(value)) return { metrics: {}, problem: 'not a JSON object' };
  const metrics: Record<string, number> = {};
  const step = finiteNumber(value.global_step);
  const history = Array.isArray(value.log_history) ? value.log_history.filter(isRecord) : [];
  let evalEntry: Record<string, unknown> | undefined;
  let trainLoss: number | undefined;
  for (const entry of history) {
    const at = finiteNumber(entry.step);
    if (step !== undefined && at !== undefined && at > step) break;
    if (Object.keys(entry).some((k) => k.startsWith('eval_'))) evalEntry = entry;
    const loss = finiteNumber(entry.loss);
    if (loss !== undefined) trainLoss = loss;
  }
  if (trainLoss !== undefined) metrics.loss = trainLoss;
  if (evalEntry) {
    for (const [key, v] of Object.entries(evalEntry)) {
      const n = finiteNumber(v);
      if (n !== undefined && key.startsWith('eval_') && isMetricKey(key)) metrics[key] = n;
    }
  }
  const info: SidecarInfo = { metrics };
  if (step !== undefined) info.step = step;
  const planned = positiveInteger(value.max_steps);
  if (planned !== undefined) info.plannedSteps = planned;
  if (typeof value.best_model_checkpoint === 'string') {
    const parts = value.best_model_checkpoint.split(/[\\/]/).filter(Boolean);
    const last = parts[parts.length - 1];
    if (last) info.bestCheckpoint = last;
  }
  return info;
}

/**
 * Reads and interprets one sidecar, through the cache when size and mtime are unchanged.
 * Synchronous: the file is small and capped, and a listing reads thousands of them.
 */
export function readSidecar(
  path: string,
  bytes: number,
  mtimeMs: number,
  interpret: (value: unknown) => SidecarInfo,
  cache?: SidecarCache,
): SidecarInfo {
  const cached = cache?.get(path, bytes, mtimeMs);
  if (cached) return cached;
  const parsed = readJson(path, bytes);
  const info = parsed.ok ? interpret(parsed.value) : { metrics: {}, problem: parsed.problem };
  cache?.set(path, bytes, mtimeMs, info);
  return info;
}

/** An in-memory cache keyed by path; an entry is stale once size or mtime change. */
export function createSidecarCache(): SidecarCache & { readonly size: number; clear(): void } {
  const entries = new Map<string, { bytes: number; mtimeMs: number; info: SidecarInfo }>();
  return {
    get(path, bytes, mtimeMs) {
      const e = entries.get(path);
      return e && e.bytes === bytes && e.mtimeMs === mtimeMs ? e.info : undefined;
    },
    set(path, bytes, mtimeMs, info) {
      entries.set(path, { bytes, mtimeMs, info });
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
