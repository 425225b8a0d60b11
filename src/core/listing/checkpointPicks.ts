// The entries of the "Checkpoint to inspect" picker. nanochat names every step `step 000100`
// in every tag, so each entry says where it is (`Base · d4`) before what it measured.

import { flattenTree } from './listingTree';
import type { ViewNode } from './listingTree';

export interface CheckpointPick {
  label: string;
  /** `Base · d4 · val_bpb 0.8123` */
  description: string;
  /** The file that inspect opens. */
  detail: string;
  path: string;
}

/** One entry per checkpoint node below `nodes` that has a file to open, in tree order. */
export function checkpointPicks(nodes: readonly ViewNode[]): CheckpointPick[] {
  const picks: CheckpointPick[] = [];
  for (const { node } of flattenTree(nodes)) {
    if (node.type !== 'checkpoint' || !node.openPath) continue;
    const description = [node.data?.location, node.description].filter(Boolean).join(' · ');
    picks.push({ label: node.label, description, detail: node.openPath, path: node.openPath });
  }
  return picks;
}
