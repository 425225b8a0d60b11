// A run's facts for plans and the run view, read the extension's way: single-file checkpoints are
// parsed in the session worker (never on the extension host's thread), their bytes and the
// trainer state picked by URI through byteSources.ts.
import * as vscode from 'vscode';
import type { RunListing } from '../core/listing/listingTypes';
import { gatherRunFacts } from '../core/prune/runFacts';
import type { FactOptions, RunFacts } from '../core/prune/runFacts';
import { newestTrainerState, trainerFactsFromText } from '../core/prune/trainerFacts';
import type { SessionClient } from '../core/session/sessionClient';
import { describeError } from '../core/errors';
import { readSidecarText, sourceSpecFor } from './byteSources';

export function workerFactOptions(client: SessionClient, signal?: AbortSignal): FactOptions {
  return {
    readFacts: async (c) => {
      try {
        return await client.checkpointFacts(await sourceSpecFor(vscode.Uri.file(c.path)), { signal });
      } catch (err) {
        return { metrics: {}, problem: describeError(err) };
      }
    },
    readTrainer: async (run) => {
      const state = newestTrainerState(run);
      if (!state) return undefined;
      const text = await readSidecarText(vscode.Uri.file(state.path));
      return text === undefined ? { path: state.path, metricsByStep: new Map(), problem: 'unreadable or too big' } : trainerFactsFromText(state.path, text);
    },
  };
}

/** The facts of `run`, each listing of a run read once (a relist makes a new listing object). */
export class RunFactsCache {
  private readonly facts = new WeakMap<RunListing, Promise<RunFacts>>();
  constructor(private readonly client: SessionClient) {}

  get(run: RunListing): Promise<RunFacts> {
    let f = this.facts.get(run);
    if (!f) {
      f = gatherRunFacts(run, workerFactOptions(this.client));
      this.facts.set(run, f);
      // A failure is not kept: the next look tries again.
      f.catch(() => this.facts.delete(run));
    }
    return f;
  }
}
