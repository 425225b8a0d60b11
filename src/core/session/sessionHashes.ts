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
import { balance, plansOf } from './tensorPlans';
import type { WorkOptions } from './workOptions';
import { allOrStop, IN_PLACE_BYTES, linkedController, progressOf } from './workOptions';

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
  const { checkpoint, distinct, pool } = input;
  const total = distinct.reduce((s, t) => s + tensorNbytes(t.payload), 0);
  const progress = progressOf(total, options);
  const hashes = new Map<object, string>();
  const plans = pool && total >= (input.inPlaceBytes ?? IN_PLACE_BYTES) ? await plansOf(distinct, input.planOf) : new Map<PyOpaque<TensorRef>, TensorPlan>();
  const remote = distinct.filter((t) => plans.has(t));
  const inWorkers = new Set(remote);
  const local = distinct.filter((t) => !inWorkers.has(t));
  // One failure stops the rest: the workers' shares are cancelled too.
  const stop = linkedController(options.signal);
  const signal = stop.signal;

  const shares = balance(remote, (t) => tensorNbytes(t.payload), pool?.size ?? 1);
  const running = shares.map(async (share) => {
    const outcomes = await pool!.run('sha256', { plans: share.map((t) => plans.get(t)!) }, { signal, onProgress: progress.part() });
    outcomes.forEach((outcome, i) => {
      const t = share[i];
      if ('damaged' in outcome) {
        const error = damagedError(outcome);
        checkpoint.integrity?.settle(t.payload.storage, error);
        throw withPaths(error, input, t.payload.storage.key);
      }
      if (plans.get(t)!.crc) checkpoint.integrity?.settle(t.payload.storage);
      hashes.set(t, outcome.sha256);
    });
  });
  const inPlace = (async () => {
    for (const t of local) {
      try {
        hashes.set(t, await tensorSha256(checkpoint, t.payload, signal));
      } catch (err) {
        throw withPaths(err, input, t.payload.storage.key);
      }
      progress.add(tensorNbytes(t.payload));
    }
  })();
  await allOrStop([...running, inPlace], stop);
  // A tensor hashed in a worker without its record's check (a view on part of a record) has it now.
  for (const t of remote) {
    if (plans.get(t)!.crc) continue;
    try {
      await checkpoint.integrity?.verify(t.payload.storage, options.signal);
    } catch (err) {
      throw withPaths(err, input, t.payload.storage.key);
    }
  }
  return hashes;
}
