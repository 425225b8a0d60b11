// Metrics saved as one-element tensors (nanoGPT's `best_val_loss`, Lightning's scores): each
// costs one read of a few bytes, so they are read, unlike every other tensor.
import { DamagedRecordError } from '../errors';
import { isMetricKey } from '../listing/sidecars';
import type { PyValue } from '../values/pyValue';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { tensorChunks } from '../torch/tensorBytes';
import type { TensorRef } from '../torch/tensorRef';
import { numel } from '../torch/tensorRef';
import { isTensor } from '../torch/torchReconstructions';
import { setOwn } from './ownRecord';

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** The value of a little-endian element of a real dtype; undefined for complex and the rest. */
export function decodeScalar(dtype: string, bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float64': return view.getFloat64(0, true);
    case 'float32': return view.getFloat32(0, true);
    case 'float16': return float16(view.getUint16(0, true));
    case 'bfloat16': return new DataView(Uint32Array.of(view.getUint16(0, true) << 16).buffer).getFloat32(0, true);
    case 'int64': return Number(view.getBigInt64(0, true));
    case 'int32': return view.getInt32(0, true);
    case 'int16': return view.getInt16(0, true);
    case 'int8': return view.getInt8(0);
    case 'uint8': return view.getUint8(0);
    default: return undefined;
  }
}

async function readScalar(ckpt: LoadedCheckpoint, t: TensorRef): Promise<number | undefined> {
  const parts: Uint8Array[] = [];
  // A scalar that is its own record is CRC-checked for free; one inside a big record is not, so
  // that inspecting stays as cheap as reading the pickle.
  for await (const chunk of tensorChunks(ckpt, t, undefined, 'when-free')) parts.push(chunk.slice());
  const bytes = parts.length === 1 ? parts[0] : Uint8Array.from(parts.flatMap((p) => [...p]));
  return bytes.length === t.dtype.itemsize ? decodeScalar(t.dtype.name, bytes) : undefined;
}

/** A number saved as a float, an int or a one-element tensor (read from the file); undefined for anything else. */
export async function readScalarValue(ckpt: LoadedCheckpoint, value: PyValue | undefined): Promise<number | undefined> {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isTensor(value) && numel(value.payload.shape) === 1) return readScalar(ckpt, value.payload);
  return undefined;
}

/** Metric-named top-level entries that are one-element tensors, with their values. */
export async function readScalarMetrics(ckpt: LoadedCheckpoint, entries: ReadonlyArray<[string, PyValue]>): Promise<Record<string, number>> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of entries) {
    if (!isTensor(value) || numel(value.payload.shape) !== 1 || !isMetricKey(key)) continue;
    const n = await readScalar(ckpt, value.payload).catch((err: unknown) => {
      throw err instanceof DamagedRecordError ? err.withTensors([key]) : err;
    });
    if (n !== undefined) setOwn(metrics, key, n);
  }
  return metrics;
}
