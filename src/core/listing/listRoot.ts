// Lists one root: a nanochat home (kind → tag → step, and any other checkpoint folders in it) or
// any folder, searched a few levels deep for folders that hold checkpoints. Reads names, sizes,
// mtimes and small JSON sidecars only.

import type { ListOptions, RootListing } from './listingTypes';
import { scanRoot, toRootListing } from './rootScan';

/** Lists `root`. Never throws for anything on disk; what was skipped is in `warnings`. */
export async function listRoot(rootPath: string, options: ListOptions = {}): Promise<RootListing> {
  return toRootListing(await scanRoot(rootPath, options));
}
