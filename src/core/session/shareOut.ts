// How a session spreads a request over many tensors: when a kernel pool is there and the tensors
// hold enough bytes, the ones stored as they are go to the workers, dealt out by bytes so each
// core gets its share; the rest (and all small work) runs in place. One failure stops the rest.
import type { KernelPool } from '../parallel/kernelPool';
import type { TensorPlan } from '../parallel/tensorPlan';
import type { TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import type { PyOpaque } from '../values/pyValue';
import { balance, plansOf } from './tensorPlans';
import type { WorkOptions } from './workOptions';
import { allOrStop, IN_PLACE_BYTES, progressOf, withLinkedStop } from './workOptions';

export interface ShareOutWork<T> {
  items: readonly T[];
  tensorOf(item: T): PyOpaque<TensorRef>;
  planOf(tensor: PyOpaque<TensorRef>): Promise<TensorPlan | undefined>;
  pool?: KernelPool;
  /** Work on fewer bytes than this stays in place (default IN_PLACE_BYTES). */
  inPlaceBytes?: number;
  /** One kernel call over a share: `plans[i]` is the plan of `share[i]`. */
  inWorker(pool: KernelPool, share: T[], plans: TensorPlan[], signal: AbortSignal, onProgress: (doneInCall: number) => void): Promise<void>;
  /** One item in this thread; `progress` takes bytes read. */
  inPlace(item: T, signal: AbortSignal, progress: (bytes: number) => void): Promise<void>;
}

/** Runs the work; returns the items that went to workers, with their plans. */
export async function shareOut<T>(work: ShareOutWork<T>, options: WorkOptions = {}): Promise<{ inWorkers: T[]; plans: Map<PyOpaque<TensorRef>, TensorPlan> }> {
  const { items, pool } = work;
  const bytes = (item: T): number => tensorNbytes(work.tensorOf(item).payload);
  const total = items.reduce((s, item) => s + bytes(item), 0);
  const progress = progressOf(total, options);
  const plans = pool && total >= (work.inPlaceBytes ?? IN_PLACE_BYTES) ? await plansOf(items.map(work.tensorOf), work.planOf) : new Map<PyOpaque<TensorRef>, TensorPlan>();
  const inWorkers = items.filter((item) => plans.has(work.tensorOf(item)));
  const remote = new Set(inWorkers);
  await withLinkedStop(options.signal, (stop) => {
    const { signal } = stop;
    const running = balance(inWorkers, bytes, pool?.size ?? 1).map((share) =>
      work.inWorker(pool!, share, share.map((item) => plans.get(work.tensorOf(item))!), signal, progress.part()),
    );
    const local = (async () => {
      for (const item of items) {
        if (!remote.has(item)) await work.inPlace(item, signal, (n) => progress.add(n));
      }
    })();
    return allOrStop([...running, local], stop);
  });
  return { inWorkers, plans };
}
