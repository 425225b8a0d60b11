// The CLI's readable table for a listing: one row per run (tag, location, count, size, latest,
// steps, best), then the storage split and the warnings.

import { relative } from 'node:path';
import { formatBytes, formatMetric } from '../format';
import { bestCheckpoint, formatSteps, latestStep, runSteps } from './listingFormat';
import type { RootListing, RunListing } from './listingTypes';
import { KIND_LABELS } from './nanochatHome';
import { storageUsage } from './storageUsage';

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** `4` for one set of 4 shards, `8 in 2 sets`, `-` for a run of single files. */
function shardsText(run: RunListing): string {
  const sets = run.checkpoints.filter((c) => c.shards !== undefined);
  const shards = sets.reduce((n, c) => n + c.shards!, 0);
  if (sets.length === 0) return '-';
  return sets.length === 1 ? String(shards) : `${shards} in ${sets.length} sets`;
}

export function renderListingTable(listing: RootListing): string {
  const out: string[] = [];
  if (!listing.exists) return `${listing.root}: no such folder\n`;
  out.push(`${listing.root} (${listing.layout === 'nanochat' ? 'nanochat home' : 'folder'})`, '');
  if (listing.runs.length === 0) {
    out.push('No checkpoints found.');
  } else {
    // A SHARDS column only where some checkpoint is a sharded set: its shards, counted once per set.
    const sharded = listing.runs.some((r) => r.checkpoints.some((c) => c.shards !== undefined));
    const rows = [['KIND', 'TAG', 'LOCATION', 'COUNT', ...(sharded ? ['SHARDS'] : []), 'SIZE', 'LATEST', 'STEPS', 'BEST']];
    for (const run of listing.runs) {
      const best = bestCheckpoint(run);
      const metric = run.primaryMetric?.name;
      let bestText = '';
      if (best) {
        bestText = best.step !== null ? `step ${best.step}` : best.name;
        if (metric && best.metrics[metric] !== undefined) bestText += ` (${metric} ${formatMetric(best.metrics[metric])})`;
      }
      rows.push([
        run.kind,
        run.tag,
        relative(listing.root, run.dir) || '.',
        String(run.checkpoints.length),
        ...(sharded ? [shardsText(run)] : []),
        formatBytes(run.bytes),
        String(latestStep(run) ?? '-'),
        formatSteps(runSteps(run)) || '-',
        bestText || '-',
      ]);
    }
    out.push(...pad(rows));
    const usage = storageUsage([listing]);
    out.push('', 'Storage:');
    const storageRows = [['', 'MODEL', 'OPTIMIZER', 'SINGLE-FILE', 'OTHER', 'TOTAL']];
    for (const g of usage.kinds) {
      storageRows.push([KIND_LABELS[g.kind], formatBytes(g.model), formatBytes(g.optimizer), formatBytes(g.full), formatBytes(g.other), formatBytes(g.total)]);
    }
    storageRows.push(['Total', formatBytes(usage.model), formatBytes(usage.optimizer), formatBytes(usage.full), formatBytes(usage.other), formatBytes(usage.total)]);
    out.push(...pad(storageRows).map((l) => `  ${l}`));
    if (usage.full > 0) out.push('  SINGLE-FILE: checkpoints saved as one file, model and optimizer together (not told apart without opening them)');
  }
  if (listing.warnings.length > 0) {
    out.push('', 'Skipped:');
    for (const w of listing.warnings) out.push(`  ${w}`);
  }
  return `${out.join('\n')}\n`;
}
