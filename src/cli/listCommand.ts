// `checkpoint-manager list <root> [--json] [--depth N]`: what checkpoints a folder or nanochat
// home holds, as a table or as JSON. Reads names, sizes and small sidecars only.

import { renderListingTable } from '../core/listing/listingTable';
import { listRoot } from '../core/listing/listRoot';
import { DEFAULT_SCAN_DEPTH } from '../core/listing/runLocation';
import { resolveNanochatHome } from '../core/listing/nanochatHome';
import { writeText } from './textOutput';

const USAGE = 'usage: checkpoint-manager list [<root>] [--json] [--depth N]\n  (no root: $NANOCHAT_BASE_DIR, else ~/.cache/nanochat)\n';

export async function listCommand(args: string[]): Promise<number> {
  let json = false;
  let depth = DEFAULT_SCAN_DEPTH;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--depth') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 0) {
        process.stderr.write(`list: --depth needs a whole number\n${USAGE}`);
        return 2;
      }
      depth = n;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`list: unknown option ${a}\n${USAGE}`);
      return 2;
    } else positional.push(a);
  }
  if (positional.length > 1) {
    process.stderr.write(`list: one root at a time\n${USAGE}`);
    return 2;
  }
  const root = positional[0] ?? resolveNanochatHome(undefined);
  const listing = await listRoot(root, { scanDepth: depth });
  if (json) process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
  else writeText(renderListingTable(listing));
  // The table (or the JSON's `exists: false`) already says why.
  return listing.exists ? 0 : 1;
}
