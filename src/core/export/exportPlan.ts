// What an export writes: each output tensor by name, with the dtype and shape it is written in,
// and where its elements come from. Tied names point at the name written first.
import type { DType } from '../torch/dtypes';
import type { TensorRef } from '../torch/tensorRef';

export interface PlannedTensor {
  /** Its key in the exported file. */
  name: string;
  /** The source tensor. */
  ref: TensorRef;
  /** The dtype it is written in (the source's, or the cast's). */
  dtype: DType;
  shape: readonly number[];
  /** Bytes it takes in the output. */
  nbytes: number;
  /** For tied weights: the earlier name whose bytes these are (written once). */
  sameAs?: string;
  /**
   * The CRC-32 its output bytes will have when known in advance: the source record's, for a
   * tensor copied as it is from a whole zip record that the read checks against that very value.
   */
  crc32?: number;
}

/** The tensor's elements as the output holds them, in chunks, row-major and little-endian. */
export type ChunksOf = (t: PlannedTensor, signal?: AbortSignal) => AsyncIterable<Uint8Array>;

/** The tensors whose bytes are written (ties left out), in plan order. */
export function written(plan: readonly PlannedTensor[]): PlannedTensor[] {
  return plan.filter((t) => t.sameAs === undefined);
}
