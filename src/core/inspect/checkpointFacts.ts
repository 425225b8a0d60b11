// What a single-file checkpoint says about itself that a listing cannot see without its pickle:
// its metrics (`metrics`, `best_metric`, metric-named 0-d tensors, Lightning's ModelCheckpoint
// scores), epoch and step, Lightning's `best_model_path` and the score of every file it kept,
// and the planned length (`hyper_parameters.max_epochs` or `max_steps`). Reads the pickle and
// one-element tensors only, never other tensor bytes; nothing in the file is ever run.

import { openCheckpoint } from '../checkpoint/openCheckpoint';
import { describeError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { FileByteSource } from '../io/fileByteSource';
import { modelCheckpointMetrics, readModelCheckpoints } from './modelCheckpoint';
import { asNumber } from './pyJson';
import { readScalarMetrics } from './scalarMetrics';
import { findMetrics, topEntries } from './summarize';
import { PyDict, PyObject } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';

export interface ScoredFile {
  /** The base name the callback recorded (its folder may have moved since). */
  name: string;
  score: number;
}

export interface CheckpointFacts {
  metrics: Record<string, number>;
  epoch?: number;
  step?: number;
  /** Lightning's ModelCheckpoint: what it monitors, */
  monitor?: string;
  /** the base name of its best file, */
  bestFile?: string;
  /** and the score of every file it kept (`best_k_models`). */
  scoredFiles?: ScoredFile[];
  plannedEpochs?: number;
  plannedSteps?: number;
  /** Why the file could not be read; the other fields are then empty. */
  problem?: string;
}

const STEP_KEYS = ['global_step', 'step', 'iter_num', 'iteration'];

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** A str key of a dict, or of an object's state or items (Lightning's AttributeDict, a Namespace). */
function fieldOf(v: PyValue | undefined, key: string): PyValue | undefined {
  if (v instanceof PyDict) return v.get(key);
  if (v instanceof PyObject) {
    if (v.state instanceof PyDict && v.state.get(key) !== undefined) return v.state.get(key);
    return v.dictItems.find(([k]) => k === key)?.[1];
  }
  return undefined;
}

function count(v: PyValue | undefined): number | undefined {
  const n = asNumber(v);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Never throws: a file that cannot be read gets `problem` and no facts. */
export async function readCheckpointFacts(path: string): Promise<CheckpointFacts> {
  let source: FileByteSource | undefined;
  try {
    source = await FileByteSource.open(path);
    return await readCheckpointFactsFrom(source);
  } catch (err) {
    return { metrics: {}, problem: describeError(err) };
  } finally {
    await source?.close();
  }
}

/** The same from an open source (the session worker's); the caller closes it. Never throws. */
export async function readCheckpointFactsFrom(source: ByteSource): Promise<CheckpointFacts> {
  try {
    const ckpt = await openCheckpoint(source);
    const entries = topEntries(ckpt.root);
    const byKey = new Map(entries);
    const states = await readModelCheckpoints(ckpt, byKey.get('callbacks'));
    // The same precedence as the inspector's metrics: the file's own values last.
    const facts: CheckpointFacts = {
      metrics: { ...(await readScalarMetrics(ckpt, entries)), ...Object.fromEntries(modelCheckpointMetrics(states)), ...findMetrics(byKey) },
    };
    const epoch = count(byKey.get('epoch'));
    if (epoch !== undefined) facts.epoch = epoch;
    for (const k of STEP_KEYS) {
      const step = count(byKey.get(k));
      if (step !== undefined) {
        facts.step = step;
        break;
      }
    }
    const state = states.find((s) => s.monitor);
    if (state?.monitor) {
      facts.monitor = state.monitor;
      if (state.bestModelPath) facts.bestFile = baseName(state.bestModelPath);
      const scored = state.bestKModels.filter((m) => m.score !== undefined).map((m) => ({ name: baseName(m.path), score: m.score as number }));
      if (scored.length > 0) facts.scoredFiles = scored;
    }
    const hparams = byKey.get('hyper_parameters') ?? byKey.get('hparams');
    const maxEpochs = count(fieldOf(hparams, 'max_epochs'));
    if (maxEpochs) facts.plannedEpochs = maxEpochs;
    const maxSteps = count(fieldOf(hparams, 'max_steps'));
    if (maxSteps) facts.plannedSteps = maxSteps;
    return facts;
  } catch (err) {
    return { metrics: {}, problem: describeError(err) };
  }
}
