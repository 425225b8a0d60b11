// A safetensors file seen as a checkpoint: a flat dict of tensors, each its own storage window.
// There is no pickle, so nothing in it can name code: its verdict is always safe.
import type { ByteSource } from '../io/byteSource';
import { EMPTY_CALL_LOG } from '../values/callLog';
import { PyDict, PyOpaque } from '../values/pyValue';
import { dtypeByName } from '../torch/dtypes';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import type { StorageRef, TensorRef } from '../torch/tensorRef';
import { contiguousStride } from '../torch/tensorRef';
import { CorruptError } from '../errors';
import { readSafetensorsHeader } from './safetensors';

export async function loadSafetensors(source: ByteSource): Promise<LoadedCheckpoint> {
  const header = await readSafetensorsHeader(source);
  const root = new PyDict();
  for (const t of header.tensors) {
    const dtype = dtypeByName(t.dtype);
    if (!dtype) throw new CorruptError(`tensor "${t.name}" has an unknown dtype ${t.dtype}.`);
    const storage: StorageRef = { key: t.name, dtype, nbytes: t.nbytes, location: 'file', byteOffset: t.dataOffset };
    const ref: TensorRef = { dtype, shape: t.shape, stride: contiguousStride(t.shape), storageOffset: 0, storage, requiresGrad: false, parameter: false };
    root.set(t.name, new PyOpaque('tensor', ref));
  }
  const notes = Object.keys(header.metadata).length ? [`Metadata: ${Object.entries(header.metadata).map(([k, v]) => `${k}=${v}`).join(', ')}`] : [];
  return {
    format: 'safetensors',
    root,
    globals: [],
    calls: EMPTY_CALL_LOG,
    littleEndian: true,
    notes,
    // byteOffset is absolute here, and tensorChunks adds it to the offset it asks for.
    readStorage: (_storage, offset, length) => source.read(offset, length),
    storageStart: async () => 0,
  };
}
