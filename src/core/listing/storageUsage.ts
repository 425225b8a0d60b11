// What checkpoints cost on disk, split into model, optimizer and the rest, per run, per kind and
// in total. `full` counts single-file checkpoints whose split is unknown without opening them.

import type { RootListing, RunKind, RunListing } from './listingTypes';

export interface StorageBytes {
  model: number;
  optimizer: number;
  /** Single files holding model and optimizer together (`best.pt`, Lightning `.ckpt`). */
  full: number;
  /** Sidecars, schedulers, RNG states, tokenizer files. */
  other: number;
  total: number;
  checkpoints: number;
}

export interface StorageRow extends StorageBytes {
  kind: RunKind;
  tag: string;
  dir: string;
}

export interface StorageGroup extends StorageBytes {
  kind: RunKind;
  runs: StorageRow[];
}

export interface StorageUsage extends StorageBytes {
  /** One group per kind present, in listing order. */
  kinds: StorageGroup[];
}

const zero = (): StorageBytes => ({ model: 0, optimizer: 0, full: 0, other: 0, total: 0, checkpoints: 0 });

function add(into: StorageBytes, from: StorageBytes): void {
  into.model += from.model;
  into.optimizer += from.optimizer;
  into.full += from.full;
  into.other += from.other;
  into.total += from.total;
  into.checkpoints += from.checkpoints;
}

export function runStorage(run: RunListing): StorageRow {
  const row: StorageRow = { kind: run.kind, tag: run.tag, dir: run.dir, ...zero() };
  for (const c of run.checkpoints) {
    row.checkpoints++;
    for (const f of c.files) {
      row.total += f.bytes;
      if (f.role === 'model') row.model += f.bytes;
      else if (f.role === 'optimizer') row.optimizer += f.bytes;
      else if (f.role === 'full') row.full += f.bytes;
      else row.other += f.bytes;
    }
  }
  return row;
}

/** Storage of several listings together (one root, or every root of the tree). */
export function storageUsage(listings: readonly RootListing[]): StorageUsage {
  const usage: StorageUsage = { ...zero(), kinds: [] };
  for (const listing of listings) {
    for (const run of listing.runs) {
      const row = runStorage(run);
      let group = usage.kinds.find((g) => g.kind === run.kind);
      if (!group) usage.kinds.push((group = { kind: run.kind, runs: [], ...zero() }));
      group.runs.push(row);
      add(group, row);
      add(usage, row);
    }
  }
  return usage;
}
