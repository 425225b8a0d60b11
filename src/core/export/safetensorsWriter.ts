// A .safetensors file as the reference writer makes it: a u64 little-endian header length, a JSON
// header (`__metadata__` first, then the tensors by sorted name, each with its dtype, shape and
// contiguous `data_offsets`), padded with spaces to a multiple of 8, then the tensors' bytes in
// that order. Tied names are written once; the metadata notes which names they stand for.
import type { ChunksOf, PlannedTensor } from './exportPlan';
import type { FileSink } from './fileSink';

/** torch dtype name → the format's dtype code. */
const CODES: Record<string, string> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint64: 'U64',
  uint32: 'U32',
  uint16: 'U16',
  uint8: 'U8',
  bool: 'BOOL',
  float8_e4m3fn: 'F8_E4M3',
  float8_e5m2: 'F8_E5M2',
  complex64: 'C64',
};

export function safetensorsCode(dtype: string): string | undefined {
  return CODES[dtype];
}

/** The header's bytes (with the 8-byte length before them) for `tensors` in their order. */
export function safetensorsHeader(tensors: readonly PlannedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const dtype = CODES[t.dtype.name];
    if (!dtype) throw new Error(`${t.name}: safetensors has no dtype for ${t.dtype.name}.`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.nbytes] };
    offset += t.nbytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

/** Sorted by name, as the header lists them (code-point order, as Rust and Python sort strings). */
export function byName(tensors: readonly PlannedTensor[]): PlannedTensor[] {
  return [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Writes one safetensors file of `tensors` (none of them ties) with `metadata`. */
export async function writeSafetensorsFile(sink: FileSink, tensors: readonly PlannedTensor[], metadata: Record<string, string>, chunksOf: ChunksOf, signal?: AbortSignal): Promise<void> {
  const sorted = byName(tensors);
  await sink.write(safetensorsHeader(sorted, metadata));
  for (const t of sorted) {
    const n = await sink.pipe(chunksOf(t, signal), undefined, signal);
    if (n !== t.nbytes) throw new Error(`${t.name}: ${n} bytes read where ${t.nbytes} were expected.`);
  }
}
