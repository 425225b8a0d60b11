// The CLI's readable table for a listing: one row per run (tag, location, count, size, latest,
// steps, best), then the storage split and the warnings.

import { relative } from 'node:path';
import { formatBytes, formatMetric } from '../format';
import { bestCheckpoint, formatSteps, latestStep, runSteps } from './listingFormat';
import type { RootListing } from './listingTypes';
import { KIND_LABELS } from './nanochatHome';
import { storageUsage } from './storageUsage';

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function renderListingTable(listing: RootListing): string {
  const out: string[] = [];
  if (!listing.exists) return `${listing.root}: no such folder\n`;
  out.push(`${listing.root} (${listing.layout === 'nanochat' ? 'nanochat home' : 'folder'})`, '');
  if (listing.runs.length === 0) {
    out.push('No checkpoints found.');
  } else {
    const rows = [['KIND', 'TAG', 'LOCATION', 'COUNT', 'SIZE', 'LATEST', 'STEPS', 'BEST']];
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
