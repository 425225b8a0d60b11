// What a kernel worker answers (see kernelWorker.ts and kernelPool.ts).
import type { MomentsPartial } from '../stats/moments';
import type { NonFiniteCounts } from '../stats/nonFinite';
import type { TensorDiffResult } from '../stats/tensorDiff';
import type { HashOutcome } from './kernels';
import type { TensorPlan } from './tensorPlan';

/** Two tensors of one dtype and shape to compare (see stats/tensorDiff.ts); `values` skips the byte check. */
export interface ComparePair {
  a: TensorPlan;
  b: TensorPlan;
  values?: boolean;
}

export type KernelMethods = {
  sha256: { params: { plans: TensorPlan[] }; result: HashOutcome[]; progress: number };
  /** The CRC-32 of each plan's bytes (a whole record's, to check it). Progress: bytes read. */
  crc32: { params: { plans: TensorPlan[] }; result: number[]; progress: number };
  nonFinite: { params: { plans: TensorPlan[] }; result: NonFiniteCounts[]; progress: number };
  moments: { params: { plan: TensorPlan }; result: MomentsPartial; progress: number };
  histogram: { params: { plan: TensorPlan; edges: Float64Array }; result: Float64Array; progress: number };
  patterns: { params: { plan: TensorPlan }; result: Float64Array; progress: number };
  /** Progress: bytes read of both sides together. */
  compare: { params: { pairs: ComparePair[] }; result: TensorDiffResult[]; progress: number };
};

export type KernelMethod = keyof KernelMethods;
