// Plans for a session's tensors: where each one's bytes lie in the source, as plain data a kernel
// worker can read. A tensor whose storage is not stored as it is (a deflated record, a plain
// pickle) has no plan and is read in place.
import type { SourceSpec } from '../io/sourceSpec';
import type { TensorPlan } from '../parallel/tensorPlan';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { TensorRef } from '../torch/tensorRef';
import { isContiguous, tensorNbytes } from '../torch/tensorRef';

export async function planFor(ckpt: LoadedCheckpoint, source: SourceSpec, path: string, tensor: TensorRef): Promise<TensorPlan | undefined> {
  const start = await ckpt.storageStart(tensor.storage);
  if (start === undefined) return undefined;
  const plan: TensorPlan = { source: ckpt.shards?.sourceOf(tensor.storage) ?? source, path, storageStart: start, littleEndian: ckpt.littleEndian, tensor };
  if (isContiguous(tensor)) {
    const offset = (tensor.storage.byteOffset ?? 0) + tensor.storageOffset * tensor.dtype.itemsize;
    const crc = ckpt.integrity?.expected(tensor.storage, offset, tensorNbytes(tensor));
    if (crc) plan.crc = crc;
  }
  return plan;
}

/** The plans of the tensors that have one. */
export async function plansOf<T>(tensors: readonly T[], planOf: (t: T) => Promise<TensorPlan | undefined>): Promise<Map<T, TensorPlan>> {
  const out = new Map<T, TensorPlan>();
  for (const t of tensors) {
    const plan = await planOf(t);
    if (plan) out.set(t, plan);
  }
  return out;
}

/**
 * Deals items out to `parts` lists of about equal weight, heaviest first, each list keeping the
 * items' original order (so reads within a list move forward through the file).
 */
export function balance<T>(items: readonly T[], weight: (item: T) => number, parts: number): T[][] {
  const loads = new Array<number>(parts).fill(0);
  const owner = new Array<number>(items.length);
  const order = items.map((_, i) => i).sort((a, b) => weight(items[b]) - weight(items[a]));
  for (const i of order) {
    let best = 0;
    for (let p = 1; p < parts; p++) if (loads[p] < loads[best]) best = p;
    owner[i] = best;
    loads[best] += weight(items[i]);
  }
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[owner[i]].push(item));
  return out.filter((list) => list.length > 0);
}
