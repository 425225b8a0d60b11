// The counts a report gives, meaning what they say: shared storage counted once, the model's
// parameters apart from its buffers, optimizer and RNG state, and tied weights named.
import type { PyValue } from '../values/pyValue';
import { CoverageIndex } from '../torch/storageCoverage';
import type { CoverageTally } from '../torch/storageCoverage';
import { findTies } from '../torch/tiedTensors';
import type { TensorOccurrence } from '../torch/tensorWalk';
import type { RoleTotals, TensorRole } from './report';
import type { TiedPair } from '../torch/tiedTensors';
import { assignRoles } from './tensorRoles';

export interface TensorCounts {
  /** One role per occurrence, in the same order. */
  roles: TensorRole[];
  modelKey: string | undefined;
  parameters: number;
  tensorBytes: number;
  modelParameters: number;
  roleTotals: Partial<Record<TensorRole, RoleTotals>>;
  tied: TiedPair[];
}

const ROLE_ORDER: readonly TensorRole[] = ['parameter', 'buffer', 'optimizer', 'rng', 'other'];

/**
 * `coverage`: an index made from these occurrences' tensors (summarize shares one between its
 * counts); made here when not given. `weightsKey`: where the checkpoint's layout says the weights are.
 * `optimizerDicts`: the optimizer state dicts' paths, when a walk has found them (see assignRoles).
 */
export function countTensors(
  root: PyValue,
  occurrences: readonly TensorOccurrence[],
  topKeys: readonly string[],
  coverage?: CoverageIndex,
  weightsKey?: string,
  optimizerDicts?: readonly string[],
): TensorCounts {
  const { roles, modelKey } = assignRoles(root, occurrences, topKeys, weightsKey, optimizerDicts);
  const index = coverage ?? new CoverageIndex(occurrences.map((o) => o.tensor.payload));
  // One pass for the total and every role's.
  const all = index.tally();
  const byRole = new Map<TensorRole, CoverageTally>();
  roles.forEach((role, i) => {
    let tally = byRole.get(role);
    if (!tally) byRole.set(role, (tally = index.tally()));
    const t = occurrences[i].tensor.payload;
    all.addAt(i, t);
    tally.addAt(i, t);
  });
  const roleTotals: Partial<Record<TensorRole, RoleTotals>> = {};
  for (const role of ROLE_ORDER) {
    const tally = byRole.get(role);
    if (!tally) continue;
    const { elements, bytes } = tally.total();
    roleTotals[role] = { tensors: tally.tensors, elements, bytes };
  }
  const total = all.total();
  return {
    roles,
    modelKey,
    parameters: total.elements,
    tensorBytes: total.bytes,
    modelParameters: roleTotals.parameter?.elements ?? 0,
    roleTotals,
    // (A checkpoint whose storages are each viewed once, as nearly all are, needs no pass for ties.)
    tied: index.holdsNoTies() ? [] : findTies(occurrences, (key) => index.viewedOnce(key)),
  };
}
