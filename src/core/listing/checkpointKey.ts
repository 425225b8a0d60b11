// The name a checkpoint is known by in its run's state file: stable while the checkpoint
// exists, whatever its files are called or how the tree labels it.

import type { CheckpointEntry } from './listingTypes';

/** `step:300` for a nanochat step, the folder name for `checkpoint-N/`, the file name otherwise. */
export function checkpointKey(c: Pick<CheckpointEntry, 'layout' | 'step' | 'name'>): string {
  return c.layout === 'nanochat' ? `step:${c.step}` : c.name;
}
