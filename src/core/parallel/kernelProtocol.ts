// What a kernel worker answers (see kernelWorker.ts and kernelPool.ts).
import type { MomentsPartial } from '../stats/moments';
import type { TensorPlan } from './tensorPlan';

export type KernelMethods = {
  sha256: { params: { plans: TensorPlan[] }; result: string[]; progress: number };
  moments: { params: { plan: TensorPlan }; result: MomentsPartial; progress: number };
  histogram: { params: { plan: TensorPlan; edges: Float64Array }; result: Float64Array; progress: number };
  patterns: { params: { plan: TensorPlan }; result: Float64Array; progress: number };
};

export type KernelMethod = keyof KernelMethods;
