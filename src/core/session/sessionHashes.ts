// The sha256 of every distinct tensor of a session. Tensors stored as they are go to the kernel
// workers, dealt out by bytes so each core hashes its share (one sha256 is one stream, so a
// single core is the limit otherwise); each worker checks the CRC-32 of a record it reads whole.
// The rest (deflated records, plain pickles, small work) is hashed in place.
import { DamagedRecordError } from '../errors';
import type { KernelPool } from '../parallel/kernelPool';
import { damagedError } from '../parallel/kernels';
import type { TensorPlan } from '../parallel/tensorPlan';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorSha256 } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import { tensorNbytes } from '../torch/tensorRef';
import type { TensorOccurrence } from '../torch/tensorWalk';
import type { PyOpaque } from '../values/pyValue';
import { shareOut } from './shareOut';
import type { WorkOptions } from './workOptions';

export interface HashInput {
  checkpoint: LoadedCheckpoint;
  occurrences: readonly TensorOccurrence[];
  distinct: ReadonlyArray<PyOpaque<TensorRef>>;
  planOf(tensor: PyOpaque<TensorRef>): Promise<TensorPlan | undefined>;
  pool?: KernelPool;
  inPlaceBytes?: number;
}

function withPaths(err: unknown, input: HashInput, storageKey: string): unknown {
  if (!(err instanceof DamagedRecordError)) return err;
  const paths = [...new Set(input.occurrences.filter((o) => o.tensor.payload.storage.key === storageKey).map((o) => o.path))];
  return err.withTensors(paths);
}

export async function hashSession(input: HashInput, options: WorkOptions = {}): Promise<Map<object, string>> {
  const { checkpoint } = input;
  const hashes = new Map<object, string>();
  const { inWorkers, plans } = await shareOut(
    {
      items: input.distinct,
      tensorOf: (t) => t,
      planOf: input.planOf,
      pool: input.pool,
      inPlaceBytes: input.inPlaceBytes,
      inWorker: async (pool, share, sharePlans, signal, onProgress) => {
        const outcomes = await pool.run('sha256', { plans: sharePlans }, { signal, onProgress });
        outcomes.forEach((outcome, i) => {
          const t = share[i];
          if ('damaged' in outcome) {
            const error = damagedError(outcome);
            checkpoint.integrity?.settle(t.payload.storage, error);
            throw withPaths(error, input, t.payload.storage.key);
          }
          if (sharePlans[i].crc) checkpoint.integrity?.settle(t.payload.storage);
          hashes.set(t, outcome.sha256);
        });
      },
      inPlace: async (t, signal, progress) => {
        try {
          hashes.set(t, await tensorSha256(checkpoint, t.payload, signal));
        } catch (err) {
          throw withPaths(err, input, t.payload.storage.key);
        }
        progress(tensorNbytes(t.payload));
      },
    },
    options,
  );
  // A tensor hashed in a worker without its record's check (a view on part of a record) has it now.
  for (const t of inWorkers) {
    if (plans.get(t)!.crc) continue;
    try {
      await checkpoint.integrity?.verify(t.payload.storage, options.signal);
    } catch (err) {
      throw withPaths(err, input, t.payload.storage.key);
    }
  }
  return hashes;
}
