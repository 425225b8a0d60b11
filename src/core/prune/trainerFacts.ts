// What a Hugging Face run's newest `trainer_state.json` knows about all of its checkpoints: the
// best one (`best_model_checkpoint`) and the metrics logged at each step (`log_history`), which
// also cover a `checkpoint-N/` whose own trainer state is missing.

import { isMetricKey, readSidecar } from '../listing/sidecars';
import type { RunListing, SidecarInfo } from '../listing/listingTypes';

export interface TrainerFacts {
  /** The trainer state the facts come from. */
  path: string;
  /** The folder name of `best_model_checkpoint` (`checkpoint-200`). */
  bestCheckpoint?: string;
  /** Eval metrics and the training loss logged at each step. */
  metricsByStep: Map<number, Record<string, number>>;
  problem?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function interpretHistory(value: unknown): { info: SidecarInfo; byStep: Map<number, Record<string, number>> } {
  const info: SidecarInfo = { metrics: {} };
  const byStep = new Map<number, Record<string, number>>();
  if (!isRecord(value)) return { info: { metrics: {}, problem: 'not a JSON object' }, byStep };
  for (const entry of Array.isArray(value.log_history) ? value.log_history : []) {
    if (!isRecord(entry) || typeof entry.step !== 'number' || !Number.isFinite(entry.step)) continue;
    const metrics = byStep.get(entry.step) ?? {};
    for (const [key, v] of Object.entries(entry)) {
      if (typeof v === 'number' && Number.isFinite(v) && (key === 'loss' || (key.startsWith('eval_') && isMetricKey(key)))) {
        metrics[key] = v; // `loss` or `eval_*`: never a prototype's name
      }
    }
    if (Object.keys(metrics).length > 0) byStep.set(entry.step, metrics);
  }
  if (typeof value.best_model_checkpoint === 'string') {
    const last = value.best_model_checkpoint.split(/[\\/]/).filter(Boolean).pop();
    if (last) info.bestCheckpoint = last;
  }
  return { info, byStep };
}

/** The newest `checkpoint-N/trainer_state.json` of `run`, the one that knows the most. */
export function newestTrainerState(run: RunListing): { step: number; path: string; bytes: number; mtimeMs: number } | undefined {
  let newest: { step: number; path: string; bytes: number; mtimeMs: number } | undefined;
  for (const c of run.checkpoints) {
    if (c.layout !== 'huggingface' || c.step === null || (newest && c.step < newest.step)) continue;
    const state = c.files.find((f) => f.name === 'trainer_state.json');
    if (state) newest = { step: c.step, path: state.path, bytes: state.bytes, mtimeMs: state.mtimeMs };
  }
  return newest;
}

/** Facts from a trainer state's text, read elsewhere (through workspace.fs). */
export function trainerFactsFromText(path: string, text: string): TrainerFacts {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { path, metricsByStep: new Map(), problem: 'not valid JSON' };
  }
  const { info, byStep } = interpretHistory(value);
  const facts: TrainerFacts = { path, metricsByStep: byStep };
  if (info.bestCheckpoint) facts.bestCheckpoint = info.bestCheckpoint;
  if (info.problem) facts.problem = info.problem;
  return facts;
}

/** Facts from the newest `checkpoint-N/trainer_state.json` of `run`; undefined when it has none. */
export function readTrainerFacts(run: RunListing): TrainerFacts | undefined {
  const newest = newestTrainerState(run);
  if (!newest) return undefined;
  // Not through the listing's cache, which holds the listing's own reading of the same file.
  let byStep = new Map<number, Record<string, number>>();
  const info = readSidecar(newest.path, newest.bytes, newest.mtimeMs, (value) => {
    const read = interpretHistory(value);
    byStep = read.byStep;
    return read.info;
  });
  const facts: TrainerFacts = { path: newest.path, metricsByStep: byStep };
  if (info.bestCheckpoint) facts.bestCheckpoint = info.bestCheckpoint;
  if (info.problem) facts.problem = info.problem;
  return facts;
}
