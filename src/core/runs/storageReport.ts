// The storage report's rows: per root, per nanochat kind and per run, the bytes of model weights,
// optimizer state, single-file checkpoints and the rest, and what the retention policy would
// reclaim there. Pure: the caller says what each run's plan deletes.

import { join } from 'node:path';
import { runLabel } from '../listing/listingTree';
import type { RootListing, RunListing } from '../listing/listingTypes';
import { KIND_LABELS, NANOCHAT_KIND_DIRS } from '../listing/nanochatHome';
import { runStorage } from '../listing/storageUsage';
import type { Reclaim, StorageReportRow } from './runViewTypes';



function sum(label: string, level: StorageReportRow['level'], path: string, depth: number, rows: readonly StorageReportRow[]): StorageReportRow {
  const out: StorageReportRow = { level, label, path, depth, model: 0, optimizer: 0, full: 0, other: 0, total: 0, checkpoints: 0, reclaimBytes: 0, reclaimCheckpoints: 0 };
  for (const r of rows) {
    out.model += r.model;
    out.optimizer += r.optimizer;
    out.full += r.full;
    out.other += r.other;
    out.total += r.total;
    out.checkpoints += r.checkpoints;
    out.reclaimBytes += r.reclaimBytes;
    out.reclaimCheckpoints += r.reclaimCheckpoints;
  }
  return out;
}

/** Rows in the tree's order: each root, then its kinds with their tags, then its folders. */
export function storageReport(roots: ReadonlyArray<{ label: string; listing: RootListing }>, reclaimOf: (run: RunListing) => Reclaim): StorageReportRow[] {
  const out: StorageReportRow[] = [];
  for (const { label, listing } of roots) {
    if (listing.runs.length === 0) continue;
    const runRow = (run: RunListing, depth: number): StorageReportRow => {
      const r = reclaimOf(run);
      return { ...runStorage(run), level: 'run', label: runLabel(listing.root, run), path: run.dir, depth, reclaimBytes: r.bytes, reclaimCheckpoints: r.checkpoints };
    };
    const below: StorageReportRow[] = [];
    const tops: StorageReportRow[] = [];
    for (const { kind, dir } of listing.layout === 'nanochat' ? NANOCHAT_KIND_DIRS : []) {
      const runs = listing.runs.filter((r) => r.kind === kind).map((r) => runRow(r, 2));
      if (runs.length === 0) continue;
      const group = sum(KIND_LABELS[kind], 'kind', join(listing.root, dir), 1, runs);
      tops.push(group);
      below.push(group, ...runs);
    }
    for (const run of listing.runs.filter((r) => r.kind === 'folder')) {
      const row = runRow(run, 1);
      tops.push(row);
      below.push(row);
    }
    out.push(sum(label, 'root', listing.root, 0, tops), ...below);
  }
  return out;
}
