// The counts a report gives, meaning what they say: shared storage counted once, the model's
// parameters apart from its buffers, optimizer and RNG state, and tied weights named.
import type { PyValue } from '../values/pyValue';
import { storageCoverage } from '../torch/storageCoverage';
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

export function countTensors(root: PyValue, occurrences: readonly TensorOccurrence[], topKeys: readonly string[]): TensorCounts {
  const { roles, modelKey } = assignRoles(root, occurrences, topKeys);
  const all = storageCoverage(occurrences.map((o) => o.tensor.payload));
  const roleTotals: Partial<Record<TensorRole, RoleTotals>> = {};
  for (const role of ROLE_ORDER) {
    const members = occurrences.filter((_, i) => roles[i] === role);
    if (members.length === 0) continue;
    const { elements, bytes } = storageCoverage(members.map((o) => o.tensor.payload));
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
