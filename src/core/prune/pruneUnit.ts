// What a prune keeps or deletes whole: a nanochat step (its model_, meta_ and every optim_…_rank
// file), a Hugging Face `checkpoint-N/` folder with everything in it, or a lone file.

import { sep } from 'node:path';
import { checkpointKey } from '../listing/checkpointKey';
import type { CheckpointEntry } from '../listing/listingTypes';

export interface PruneUnit {
  /** Its key in the run's state file. */
  key: string;
  checkpoint: CheckpointEntry;
  /** What a delete removes: the step's files, the folder, or the file. */
  paths: string[];
  /** The same for output: a folder ends with the separator, so it reads as "all of it". */
  shown: string[];
}

export function pruneUnitOf(c: CheckpointEntry): PruneUnit {
  if (c.layout === 'huggingface' || c.layout === 'dcp' || c.layout === 'megatron') return { key: checkpointKey(c), checkpoint: c, paths: [c.path], shown: [c.path + sep] };
  const paths = c.layout === 'nanochat' || c.layout === 'fsdp-ranks' || c.layout === 'hf-sharded' || c.layout === 'deepspeed' ? c.files.map((f) => f.path) : [c.path];
  return { key: checkpointKey(c), checkpoint: c, paths, shown: paths };
}

/** Names, sizes and mtimes of its files: a second look that differs means something wrote to it. */
export function unitSignature(c: CheckpointEntry): string {
  return c.files
    .map((f) => `${f.path}\u0000${f.bytes}\u0000${f.mtimeMs}`)
    .sort()
    .join('\u0001');
}
