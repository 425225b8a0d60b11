// What a plan needs to know about a run beyond its listing: each checkpoint's metrics with what
// the newest trainer state and the single files' pickles add, which checkpoint a framework
// recorded as its best, and how far the run meant to go (Lightning's `max_epochs`).

import { setOwn } from '../inspect/ownRecord';
import { mapLimit } from '../listing/dirEntries';
import type { CheckpointEntry, RunListing } from '../listing/listingTypes';
import type { RunProgress } from '../listing/runStatus';
import { checkpointKey } from '../listing/checkpointKey';
import { readCheckpointFacts } from '../inspect/checkpointFacts';
import type { CheckpointFacts } from '../inspect/checkpointFacts';
import { readTrainerFacts } from './trainerFacts';
import type { TrainerFacts } from './trainerFacts';

export interface RunFacts {
  /** Each checkpoint's metrics by key: the listing's, then what the files add where it has none. */
  metrics: Map<string, Record<string, number>>;
  /** Checkpoints a framework recorded as its best, by key, with who recorded it. */
  recordedBest: Map<string, string>;
  /** From a checkpoint's own hyper-parameters; undefined leaves it to the sidecars. */
  progress?: RunProgress;
  warnings: string[];
}

export interface FactOptions {
  /** Open single-file checkpoints for their metrics and Lightning state (default true). */
  readCheckpoints?: boolean;
  /** How a single file's facts are read (default: here, from its path); the extension asks its session worker. */
  readFacts?: (c: CheckpointEntry) => Promise<CheckpointFacts>;
  /** How the newest trainer state is read (default: here, from its path); the extension reads through workspace.fs. */
  readTrainer?: (run: RunListing) => Promise<TrainerFacts | undefined>;
}

/** Adds `more` to `into` where `into` has no value of its own. */
function fill(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) if (!Object.prototype.hasOwnProperty.call(into, k)) setOwn(into, k, v);
}

/** The file facts that speak for the run: the latest by epoch, then step (last.ckpt included). */
function latestFacts(read: ReadonlyArray<{ name: string; facts: CheckpointFacts }>): { name: string; facts: CheckpointFacts } | undefined {
  let best: { name: string; facts: CheckpointFacts } | undefined;
  for (const r of read) {
    if (r.facts.problem) continue;
    const a = [r.facts.epoch ?? -1, r.facts.step ?? -1];
    const b = best ? [best.facts.epoch ?? -1, best.facts.step ?? -1] : undefined;
    if (!b || a[0]! > b[0]! || (a[0] === b[0] && a[1]! > b[1]!)) best = r;
  }
  return best;
}

export async function gatherRunFacts(run: RunListing, options: FactOptions = {}): Promise<RunFacts> {
  const facts: RunFacts = { metrics: new Map(), recordedBest: new Map(), warnings: [] };
  const byName = new Map(run.checkpoints.map((c) => [c.name, checkpointKey(c)]));
  for (const c of run.checkpoints) facts.metrics.set(checkpointKey(c), { ...c.metrics });

  const trainer = options.readTrainer ? await options.readTrainer(run) : readTrainerFacts(run);
  if (trainer?.problem) facts.warnings.push(`${trainer.path}: ${trainer.problem}; its best checkpoint is unknown`);
  if (trainer) {
    for (const c of run.checkpoints) {
      const logged = c.layout === 'huggingface' && c.step !== null ? trainer.metricsByStep.get(c.step) : undefined;
      if (logged) fill(facts.metrics.get(checkpointKey(c))!, logged);
    }
    const best = trainer.bestCheckpoint ? byName.get(trainer.bestCheckpoint) : undefined;
    if (best) facts.recordedBest.set(best, "the Trainer's best_model_checkpoint");
  }

  if (options.readCheckpoints === false) return facts;
  const files = run.checkpoints.filter((c) => c.layout === 'file' && !c.incomplete);
  // Two at a time: each is a few small reads, and the machine may be training.
  const readFacts = options.readFacts ?? ((c: CheckpointEntry) => readCheckpointFacts(c.path));
  const read = await mapLimit(files, 2, async (c) => ({ name: c.name, key: checkpointKey(c), facts: await readFacts(c) }));
  for (const r of read) {
    if (r.facts.problem) facts.warnings.push(`${run.checkpoints.find((c) => c.name === r.name)!.path}: ${r.facts.problem.replace(/\.$/, '')}; its metrics are unknown`);
    else fill(facts.metrics.get(r.key)!, r.facts.metrics);
  }
  const latest = latestFacts(read);
  if (!latest) return facts;
  const { monitor, bestFile, scoredFiles } = latest.facts;
  // The newest callback state knows the scores of every file it kept, and its best.
  if (monitor) {
    for (const s of scoredFiles ?? []) {
      const key = byName.get(s.name);
      if (key) fill(facts.metrics.get(key)!, { [monitor]: s.score });
    }
    const best = bestFile ? byName.get(bestFile) : undefined;
    if (best) facts.recordedBest.set(best, "Lightning's best_model_path");
  }
  const { epoch, step, plannedEpochs, plannedSteps } = latest.facts;
  // Lightning saves its 0-based current epoch: epoch=3 is the fourth done.
  if (plannedEpochs !== undefined && epoch !== undefined) facts.progress = { unit: 'epoch', done: epoch + 1, planned: plannedEpochs, source: latest.name };
  else if (plannedSteps !== undefined && step !== undefined) facts.progress = { unit: 'step', done: step, planned: plannedSteps, source: latest.name };
  return facts;
}
