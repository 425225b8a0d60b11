// The safetensors header: a u64 little-endian length N, N bytes of JSON naming each tensor's
// dtype, shape and byte range (relative to the data that follows), then the raw data. Only the
// header is read here; tensor bytes stay on disk.

import { CorruptError, TruncatedError, UnsupportedError } from '../errors';
import { u64 } from '../io/binary';
import type { ByteSource } from '../io/byteSource';

export interface SafetensorsTensor {
  name: string;
  /** torch's dtype name: float32, bfloat16, int64, bool, float8_e4m3fn... */
  dtype: string;
  shape: number[];
  /** Absolute file offset of the tensor's first byte. */
  dataOffset: number;
  nbytes: number;
}

export interface SafetensorsHeader {
  /** N: the JSON header's length in bytes (the data starts at 8 + N). */
  headerLength: number;
  /** In the order the header lists them. */
  tensors: SafetensorsTensor[];
  metadata: Record<string, string>;
}

/** The reference implementation refuses headers over 100 MB; so do we, before allocating. */
const MAX_HEADER_LENGTH = 100 * 1024 * 1024;
const METADATA_KEY = '__metadata__';

/** safetensors dtype → torch name and element size in bytes. */
const DTYPES: Record<string, { torch: string; itemSize: number }> = {
  F64: { torch: 'float64', itemSize: 8 },
  F32: { torch: 'float32', itemSize: 4 },
  F16: { torch: 'float16', itemSize: 2 },
  BF16: { torch: 'bfloat16', itemSize: 2 },
  I64: { torch: 'int64', itemSize: 8 },
  I32: { torch: 'int32', itemSize: 4 },
  I16: { torch: 'int16', itemSize: 2 },
  I8: { torch: 'int8', itemSize: 1 },
  U64: { torch: 'uint64', itemSize: 8 },
  U32: { torch: 'uint32', itemSize: 4 },
  U16: { torch: 'uint16', itemSize: 2 },
  U8: { torch: 'uint8', itemSize: 1 },
  BOOL: { torch: 'bool', itemSize: 1 },
  F8_E4M3: { torch: 'float8_e4m3fn', itemSize: 1 },
  F8_E5M2: { torch: 'float8_e5m2', itemSize: 1 },
  C64: { torch: 'complex64', itemSize: 8 },
};

export async function readSafetensorsHeader(source: ByteSource): Promise<SafetensorsHeader> {
  if (source.size < 8) throw new TruncatedError('The safetensors file');
  const headerLength = u64(await source.read(0, 8), 0);
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new CorruptError(`the safetensors header claims ${headerLength} bytes, more than the format's 100 MiB limit.`);
  }
  if (headerLength > source.size - 8) throw new TruncatedError('The safetensors header');
  const dataStart = 8 + headerLength;
  const dataLength = source.size - dataStart;

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, headerLength));
  } catch {
    throw new CorruptError('the safetensors header is not valid UTF-8.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CorruptError(`the safetensors header is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!isRecord(json)) throw new CorruptError('the safetensors header is not a JSON object.');

  const tensors: SafetensorsTensor[] = [];
  const ranges: { name: string; begin: number; end: number }[] = [];
  // JSON.parse moves integer-like keys ("0", "1"...) to the front; the text keeps the real order.
  for (const name of topLevelKeys(text)) {
    if (name === METADATA_KEY) continue;
    const { tensor, begin, end } = readTensor(name, json[name], dataStart);
    if (end > dataLength) throw new TruncatedError(`The tensor "${name}"`);
    tensors.push(tensor);
    ranges.push({ name, begin, end });
  }
  checkNoOverlap(ranges);
  return { headerLength, tensors, metadata: readMetadata(json[METADATA_KEY]) };
}

/** A plausible header length in the first 8 bytes and a `{` right after it. */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const n = u64(head, 0);
  return n >= 2 && n <= MAX_HEADER_LENGTH && n <= size - 8 && head[8] === 0x7b;
}

function readTensor(name: string, info: unknown, dataStart: number): { tensor: SafetensorsTensor; begin: number; end: number } {
  if (!isRecord(info)) throw new CorruptError(`the safetensors entry "${name}" is not a tensor description.`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') throw new CorruptError(`the tensor "${name}" has no dtype.`);
  if (!Object.hasOwn(DTYPES, dtype)) {
    throw new UnsupportedError(`the tensor "${name}" has the safetensors dtype "${dtype}", which this reader does not know.`);
  }
  const known = DTYPES[dtype];
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new CorruptError(`the tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new CorruptError(`the tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
  }
  const [begin, end] = offsets as [number, number];
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (numel * known.itemSize !== end - begin) {
    throw new CorruptError(
      `the tensor "${name}" (${dtype} ${JSON.stringify(shape)}) should take ${numel * known.itemSize} bytes, but its data_offsets span ${end - begin}.`,
    );
  }
  return {
    tensor: { name, dtype: known.torch, shape: [...(shape as number[])], dataOffset: dataStart + begin, nbytes: end - begin },
    begin,
    end,
  };
}

/** Two tensors sharing bytes would make sizes and hashes lie; the reference reader refuses it too. */
function checkNoOverlap(ranges: { name: string; begin: number; end: number }[]): void {
  const nonEmpty = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < nonEmpty.length; i++) {
    if (nonEmpty[i].begin < nonEmpty[i - 1].end) {
      throw new CorruptError(`the tensors "${nonEmpty[i - 1].name}" and "${nonEmpty[i].name}" overlap in the file.`);
    }
  }
}

/** `__metadata__` is meant to map strings to strings; other values are kept as their JSON text. */
function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new CorruptError('the safetensors "__metadata__" is not a JSON object.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * The keys of the top-level object of `text` in the order written. `text` must already have
 * passed JSON.parse as an object. Duplicate keys are refused (JSON.parse would keep only the last).
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen.has(key)) throw new CorruptError(`the safetensors header lists "${key}" twice.`);
        seen.add(key);
        keys.push(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
