// Which checkpoints to offer as the other side of a comparison, from the tree's nodes: grouped by
// run (the run's location heads each group), the given checkpoint's own run first with its
// neighbouring steps first (nearest step, earlier before later at a tie), then the other runs in
// tree order. And the step before a checkpoint in its run, for "Compare with Previous Step".
import type { ViewNode } from './listingTree';
import { wholePath } from './listingTree';

export interface CompareCandidate {
  label: string;
  /** `val_bpb 0.8123 · 1.2 MiB` */
  description: string;
  /** The file that is compared (a nanochat step's meta file for the whole step). */
  path: string;
  step: number | null;
}

export interface CandidateGroup {
  /** `Base · d4`, `workspace · checkpoints`. */
  run: string;
  candidates: CompareCandidate[];
}

interface RunOfCheckpoints {
  run: string;
  checkpoints: ViewNode[];
}

/** Every run below `nodes` with its checkpoint nodes that have a file, in tree order. */
function runsOf(nodes: readonly ViewNode[]): RunOfCheckpoints[] {
  const runs: RunOfCheckpoints[] = [];
  const visit = (list: readonly ViewNode[]): void => {
    for (const node of list) {
      if (node.type === 'run') {
        const checkpoints = node.children.filter((c) => c.type === 'checkpoint' && c.openPath);
        if (checkpoints.length) runs.push({ run: checkpoints[0]!.data?.location ?? node.label, checkpoints });
      } else if (node.type !== 'checkpoint') visit(node.children);
    }
  };
  visit(nodes);
  return runs;
}

function candidate(node: ViewNode): CompareCandidate {
  return { label: node.label, description: node.description ?? '', path: wholePath(node)!, step: node.data?.step ?? null };
}

/** The checkpoints to compare `path` with (itself left out), grouped by run, its own run and nearest steps first. */
export function compareCandidates(nodes: readonly ViewNode[], path: string | undefined): CandidateGroup[] {
  const runs = runsOf(nodes);
  // `path` is what an inspector has open: a checkpoint's model file or the file it opens whole through.
  const isIt = (c: ViewNode): boolean => path !== undefined && (c.openPath === path || c.inspectPath === path);
  const own = runs.findIndex((r) => r.checkpoints.some(isIt));
  const groups = runs.map((r, i) => {
    const others = r.checkpoints.filter((c) => !isIt(c));
    if (i !== own) return { run: r.run, candidates: others.map(candidate) };
    const at = r.checkpoints.findIndex(isIt);
    const step = r.checkpoints[at]!.data?.step;
    const index = new Map(r.checkpoints.map((c, j) => [c, j]));
    // Nearest by step where both have one, else by place in the run.
    const distance = (c: ViewNode): number => (typeof step === 'number' && typeof c.data?.step === 'number' ? Math.abs(c.data.step - step) : Math.abs(index.get(c)! - at));
    const sorted = [...others].sort((x, y) => distance(x) - distance(y) || index.get(x)! - index.get(y)!);
    return { run: r.run, candidates: sorted.map(candidate) };
  });
  if (own > 0) groups.unshift(...groups.splice(own, 1));
  return groups.filter((g) => g.candidates.length > 0);
}

/**
 * The pair "Compare with Previous Step" compares: for a checkpoint, the one before it in its run
 * and itself; for a run, its last two checkpoints. Undefined when there is no earlier one.
 */
export function previousStepPair(run: ViewNode, checkpoint?: ViewNode): [string, string] | undefined {
  const list = run.children.filter((c) => c.type === 'checkpoint' && c.openPath);
  const at = checkpoint ? list.findIndex((c) => c.id === checkpoint.id) : list.length - 1;
  if (at < 1) return undefined;
  return [wholePath(list[at - 1]!)!, wholePath(list[at]!)!];
}
