// The counts a report gives, meaning what they say: shared storage counted once, the model's
// parameters apart from its buffers, optimizer and RNG state, and tied weights named.
import type { PyValue } from '../values/pyValue';
import { CoverageIndex } from '../torch/storageCoverage';
import type { TensorRef } from '../torch/tensorRef';
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
 * counts); made here when not given.
 */
export function countTensors(root: PyValue, occurrences: readonly TensorOccurrence[], topKeys: readonly string[], coverage?: CoverageIndex): TensorCounts {
  const { roles, modelKey } = assignRoles(root, occurrences, topKeys);
  const payloads = occurrences.map((o) => o.tensor.payload);
  const index = coverage ?? new CoverageIndex(payloads);
  const all = index.coverage(payloads);
  const byRole = new Map<TensorRole, TensorRef[]>();
  roles.forEach((role, i) => {
    let members = byRole.get(role);
    if (!members) byRole.set(role, (members = []));
    members.push(payloads[i]);
  });
  const roleTotals: Partial<Record<TensorRole, RoleTotals>> = {};
  for (const role of ROLE_ORDER) {
    const members = byRole.get(role);
    if (!members) continue;
    const { elements, bytes } = index.coverage(members);
    roleTotals[role] = { tensors: members.length, elements, bytes };
  }
  return {
    roles,
    modelKey,
    parameters: all.elements,
    tensorBytes: all.bytes,
    modelParameters: roleTotals.parameter?.elements ?? 0,
    roleTotals,
    tied: findTies(occurrences),
  };
}
