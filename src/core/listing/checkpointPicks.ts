// The entries of the "Checkpoint to inspect" picker. nanochat names every step `step 000100`
// in every tag, so each entry says where it is (`Base · d4`) before what it measured.

import type { ViewNode } from './listingTree';
import { openTarget } from './listingTree';

export interface CheckpointPick {
  label: string;
  /** `Base · d4 · val_bpb 0.8123` */
  description: string;
  /** The file that inspect opens. */
  detail: string;
  path: string;
  /** The path names a checkpoint of many files (a nanochat step's meta file), opened whole. */
  whole: boolean;
}

/** One entry per checkpoint node below `nodes` that has a file to open, in tree order. */
export function checkpointPicks(nodes: readonly ViewNode[]): CheckpointPick[] {
  const picks: CheckpointPick[] = [];
  const visit = (list: readonly ViewNode[]): void => {
    for (const node of list) {
      // A checkpoint's files are not picked, and are not even built for it.
      if (node.type !== 'checkpoint') visit(node.children);
      else if (node.openPath) {
        const description = [node.data?.location, node.description].filter(Boolean).join(' · ');
        const { path, whole } = openTarget(node)!;
        picks.push({ label: node.label, description, detail: path, path, whole });
      }
    }
  };
  visit(nodes);
  return picks;
}
