// A plan's bytes as a stream of chunks, read through a ring of buffers that a kernel call keeps
// from tensor to tensor (tensorChunks' reused buffers, see torch/tensorBytes.ts): a comparison of
// thousands of tensors allocates its buffers once.
import { tensorChunks } from '../torch/tensorBytes';
import type { ByteSource } from '../io/byteSource';
import type { TensorPlan } from './tensorPlan';
import { planReader } from './tensorPlan';

/**
 * Buffers for one stream at a time, kept from tensor to tensor. The last chunk of a stream is
 * still in use after its generator has finished, so a ring goes back (`release`) only when its
 * user is done with every chunk, never when a stream ends.
 */
export class ChunkRing {
  private static readonly spare: ChunkRing[] = [];
  readonly buffers: Uint8Array[] = [];

  static lease(): ChunkRing {
    return ChunkRing.spare.pop() ?? new ChunkRing();
  }

  release(): void {
    if (ChunkRing.spare.length < 4) ChunkRing.spare.push(this);
  }
}

/** `ring`: buffers to read into, in use by this stream alone until it is done; else fresh ones. */
export function planChunks(plan: TensorPlan, source: ByteSource, signal?: AbortSignal, ring: ChunkRing = new ChunkRing()): AsyncGenerator<Uint8Array> {
  return tensorChunks(planReader(plan, source), plan.tensor, signal, 'always', ring.buffers);
}
