// The CRC-32s of whole stored records, computed by a kernel worker for an export (see
// export/recordChecks.ts): one batch after another, so the checks take one core and the copy the
// other. Records read over the network, and work too small to be worth a worker, stay with the copy.
import type { RecordCrcs } from '../export/recordChecks';
import type { SourceSpec } from '../io/sourceSpec';
import type { KernelPool } from '../parallel/kernelPool';
import type { TensorPlan } from '../parallel/tensorPlan';
import { uint8 } from '../torch/dtypes';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { StorageRef } from '../torch/tensorRef';
import { planFor } from './tensorPlans';
import { IN_PLACE_BYTES } from './workOptions';

/** A batch ends at this many bytes or records: a message per record would cost more than small ones take. */
const BATCH_BYTES = 256 * 1024 * 1024;
const BATCH_RECORDS = 4096;

interface Deferred {
  resolve(crc: number): void;
  reject(error: unknown): void;
}

/** A plan that reads the storage's record whole, as bytes. */
function recordPlan(ckpt: LoadedCheckpoint, spec: SourceSpec, storage: StorageRef): Promise<TensorPlan | undefined> {
  return planFor(ckpt, spec, storage.key, { dtype: uint8, shape: [storage.nbytes], stride: [1], storageOffset: 0, storage, requiresGrad: false, parameter: false });
}

function batchesOf(storages: readonly StorageRef[]): StorageRef[][] {
  const out: StorageRef[][] = [];
  let batch: StorageRef[] = [];
  let bytes = 0;
  for (const s of storages) {
    batch.push(s);
    bytes += s.nbytes;
    if (bytes >= BATCH_BYTES || batch.length >= BATCH_RECORDS) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

export function recordCrcsIn(pool: KernelPool, ckpt: LoadedCheckpoint, spec: SourceSpec, minBytes = IN_PLACE_BYTES): RecordCrcs {
  return (storages, signal) => {
    if (storages.reduce((n, s) => n + s.nbytes, 0) < minBytes) return undefined;
    const files = new Set(storages.map((s) => (ckpt.shards?.sourceOf(s) ?? spec).kind));
    if (files.size !== 1 || !files.has('file')) return undefined;
    const waiting: Deferred[] = [];
    const results = storages.map(() => new Promise<number>((resolve, reject) => waiting.push({ resolve, reject })));
    void (async () => {
      let next = 0;
      try {
        for (const batch of batchesOf(storages)) {
          const plans = await Promise.all(batch.map((s) => recordPlan(ckpt, spec, s)));
          if (plans.some((p) => p === undefined)) throw new Error('a record to check is not stored as it is.');
          const crcs = await pool.run('crc32', { plans: plans as TensorPlan[] }, { signal });
          for (const crc of crcs) waiting[next++].resolve(crc);
        }
      } catch (err) {
        for (; next < waiting.length; next++) waiting[next].reject(err);
      }
    })();
    return results;
  };
}
