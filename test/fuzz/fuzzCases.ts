// The fuzz suite's cases as fast-check arbitraries: plain data that says how to change one
// fixture (so a failing case prints as a short description and shrinks), and `materialize`, which
// makes the bytes. Byte-level mutations hit every fixture; structure-aware ones change one thing
// a reader trusts: a pickle's opcodes, a zip directory's field, a safetensors header's entry.
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import type { CorpusFile } from './fuzzCorpus';
import { MARK, pickleDictOf, pickleGlobal, pickleInt, pickleStr, STOP, torchTensor, u32le, u64le } from './pickleBytes';
import { buildZip, setField, zipFields } from './zipBytes';

/** Values that break lengths and offsets: zero, sign bits, all ones, just past 32 and 53 bits. */
const EXTREMES: readonly bigint[] = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n];
const extreme = fc.oneof(fc.constantFrom(...EXTREMES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 1n << 20n }));
const signedExtreme = fc.oneof(extreme, extreme.map((v) => -v), fc.bigInt({ min: -100n, max: 100n }));

/** A few opcodes of a pickle, repeated: the grammar the structure-aware pickle cases draw from. */
const GLOBALS: ReadonlyArray<[string, string]> = [
  ['posix', 'system'], ['builtins', 'getattr'], ['builtins', 'eval'], ['collections', 'OrderedDict'], ['torch._utils', '_rebuild_tensor_v2'],
  ['torch._utils', '_rebuild_parameter'], ['torch', 'FloatStorage'], ['torch', 'Size'], ['builtins', 'set'], ['_codecs', 'encode'],
  ['copyreg', '_reconstructor'], ['copy_reg', '__newobj__'], ['numpy.core.multiarray', '_reconstruct'], ['torch', 'device'], ['builtins', 'bytearray'],
];
const snippet: fc.Arbitrary<readonly number[]> = fc.oneof(
  fc.constantFrom([MARK], [0x30], [0x31], [0x32], [0x4e], [0x88], [0x89], [0x29], [0x5d], [0x7d], [0x8f], [0x74], [0x85], [0x86], [0x87], [0x6c], [0x61], [0x65], [0x64], [0x73], [0x75], [0x90], [0x91], [0x94], [0x52], [0x81], [0x92], [0x62], [0x93], [0x51], [0x6f]),
  fc.integer({ min: 0, max: 255 }).map((n) => [0x4b, n]),
  signedExtreme.map((v) => pickleInt(v)),
  fc.string({ maxLength: 12 }).map(pickleStr),
  fc.constantFrom(...GLOBALS).map(([m, n]) => pickleGlobal(m, n)),
  fc.constantFrom(...GLOBALS).map(([m, n]) => [...pickleStr(m), ...pickleStr(n), 0x93]),
  fc.constantFrom(...GLOBALS).map(([m, n]) => [0x69, ...new TextEncoder().encode(`${m}\n${n}\n`)]),
  fc.tuple(fc.constantFrom(0x71, 0x68), fc.integer({ min: 0, max: 255 })).map(([op, i]) => [op, i]),
  fc.tuple(fc.constantFrom(0x72, 0x6a), extreme).map(([op, i]) => [op, ...u32le(Number(BigInt.asUintN(32, i)))]),
  fc.tuple(fc.constantFrom(0x70, 0x67), signedExtreme).map(([op, i]) => [op, ...new TextEncoder().encode(`${i}\n`)]),
  // Lengths that lie: a string, bytes or frame longer than what follows.
  fc.tuple(fc.constantFrom(0x58, 0x42, 0x54), extreme).map(([op, n]) => [op, ...u32le(Number(BigInt.asUintN(32, n)))]),
  fc.tuple(fc.constantFrom(0x8d, 0x8e, 0x96, 0x95), extreme).map(([op, n]) => [op, ...u64le(n)]),
  fc.tuple(fc.constantFrom(0x8a, 0x8b), extreme).map(([op, n]) => (op === 0x8a ? [op, Number(n & 0xffn)] : [op, ...u32le(Number(BigInt.asUintN(32, n)))])),
  fc.constantFrom([0x49, ...new TextEncoder().encode('99999999999999999999999\n')], [0x46, ...new TextEncoder().encode('nan\n')], [0x56, ...new TextEncoder().encode('\\u202e\n')], [0x53, ...new TextEncoder().encode("'x'\n")]),
  fc.integer({ min: 0, max: 7 }).map((v) => [0x80, v]),
  fc.constantFrom([0x82, 1], [0x83, 0, 0], [0x84, 0xff, 0xff, 0xff, 0xff], [0x50, ...new TextEncoder().encode('0\n')], [0x97], [0x98], [0xff], [STOP]),
);
/** A program of snippets, each repeated: up to thousands of times for deep nesting and long runs. */
const program = fc.array(fc.tuple(snippet, fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5000 }))), { minLength: 1, maxLength: 40 }).map((parts) =>
  repeatAll(parts),
);

function repeatAll(parts: ReadonlyArray<readonly [readonly number[], number]>): number[] {
  const out: number[] = [];
  for (const [s, n] of parts) for (let i = 0; i < n; i++) for (let j = 0; j < s.length; j++) out.push(s[j]);
  return out;
}

export type FuzzCase =
  | { op: 'flip'; file: number; flips: Array<[number, number]> }
  | { op: 'truncate'; file: number; at: number }
  | { op: 'splice'; file: number; from: number; srcAt: number; length: number; dstAt: number }
  | { op: 'insert'; file: number; at: number; remove: number; bytes: number[] }
  | { op: 'int'; file: number; at: number; width: 1 | 2 | 4 | 8; value: bigint }
  | { op: 'zipField'; file: number; field: number; value: bigint }
  | { op: 'zipOverlap'; file: number; a: number; b: number }
  | { op: 'bomb'; file: number; mib: number; claim: 'honest' | 'lie' | 'huge'; storage: boolean }
  | { op: 'pickle'; file: number; where: 'afterProto' | 'beforeStop' | 'replace'; program: number[] }
  | { op: 'tensor'; file: number; numel: bigint; offset: bigint; size: bigint[]; stride: bigint[] }
  | { op: 'deep'; file: number; shape: 'list' | 'tuple' | 'dict' | 'mark' | 'json'; depth: number }
  | { op: 'safetensors'; file: number; tensor: number; change: 'shape' | 'offsets' | 'dtype' | 'length' | 'metadata'; values: bigint[] };

const file = fc.nat();
const at = fc.nat();

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), file, flips: fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), file, at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('splice' as const), file, from: file, srcAt: at, length: fc.integer({ min: 1, max: 4096 }), dstAt: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), file, at, remove: fc.integer({ min: 0, max: 64 }), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('int' as const), file, at, width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const), value: signedExtreme }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('zipField' as const), file, field: fc.nat(), value: signedExtreme }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zipOverlap' as const), file, a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bomb' as const), file, mib: fc.integer({ min: 1, max: 16 }), claim: fc.constantFrom('honest' as const, 'lie' as const, 'huge' as const), storage: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('pickle' as const), file, where: fc.constantFrom('afterProto' as const, 'beforeStop' as const, 'replace' as const), program }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('tensor' as const),
      file,
      numel: signedExtreme,
      offset: signedExtreme,
      size: fc.array(signedExtreme, { maxLength: 6 }),
      stride: fc.array(signedExtreme, { maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deep' as const), file, shape: fc.constantFrom('list' as const, 'tuple' as const, 'dict' as const, 'mark' as const, 'json' as const), depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1000, max: 20_000 })) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('safetensors' as const),
      file,
      tensor: fc.nat(),
      change: fc.constantFrom('shape' as const, 'offsets' as const, 'dtype' as const, 'length' as const, 'metadata' as const),
      values: fc.array(signedExtreme, { minLength: 1, maxLength: 4 }),
    }),
  },
);

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

/** The file a case changes, among those it can change (zips for zipField...); undefined: none. */
function target(c: FuzzCase, corpus: readonly CorpusFile[]): CorpusFile | undefined {
  switch (c.op) {
    case 'zipField':
    case 'zipOverlap':
      return pick(corpus.filter((f) => f.kind === 'zip'), c.file);
    case 'bomb':
    case 'tensor':
      return pick(corpus.filter((f) => f.records && f.pickleIndex !== undefined), c.file);
    case 'pickle':
      return pick(corpus.filter((f) => f.pickle && (f.kind === 'pickle' || f.pickleIndex !== undefined)), c.file);
    case 'deep':
      return pick(corpus.filter((f) => (c.shape === 'json' ? f.kind === 'safetensors' : f.pickleIndex !== undefined || f.kind === 'pickle')), c.file);
    case 'safetensors':
      return pick(corpus.filter((f) => f.kind === 'safetensors'), c.file);
    default:
      return pick(corpus, c.file);
  }
}

/** The file with its pickle replaced: a plain pickle is the pickle; a zip is rebuilt around it. */
function withPickle(f: CorpusFile, pickle: Uint8Array): Uint8Array {
  if (f.kind === 'pickle' || !f.records || f.pickleIndex === undefined) return pickle;
  return buildZip(f.records.map((r, i) => (i === f.pickleIndex ? { name: r.name, data: pickle } : r)));
}

function deepPickle(shape: 'list' | 'tuple' | 'dict' | 'mark', depth: number): Uint8Array {
  const open = { list: [0x5d], tuple: [MARK], dict: [0x7d, ...pickleStr('k')], mark: [MARK] }[shape];
  const close = { list: [0x61], tuple: [0x74], dict: [0x73], mark: [0x6c] }[shape];
  const out = new Uint8Array(2 + depth * (open.length + close.length) + 2);
  let p = 0;
  out[p++] = 0x80;
  out[p++] = 2;
  for (let i = 0; i < depth; i++) for (const b of open) out[p++] = b;
  out[p++] = 0x4e; // the innermost value
  for (let i = 0; i < depth; i++) for (const b of close) out[p++] = b;
  out[p++] = STOP;
  return out.subarray(0, p);
}

function safetensorsParts(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } | undefined {
  if (bytes.length < 8) return undefined;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (n > bytes.length - 8) return undefined;
  try {
    return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>, data: bytes.subarray(8 + n) };
  } catch {
    return undefined;
  }
}

function safetensorsBytes(headerText: string, data: Uint8Array, lengthDelta = 0n): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(header.length) + lengthDelta), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

/** JSON numbers as they are, bigints too (a JSON number can be any size). */
function json(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `__big${x}__` : x)).replace(/"__big(-?\d+)__"/g, '$1');
}

const MiB = 1024 * 1024;
const zerosCache = new Map<number, { bytes: Uint8Array; crc: number; size: number }>();

/** `mib` MiB of zeros deflated (about a thousandth of that), made once per size. */
function deflatedZeros(mib: number): { bytes: Uint8Array; crc: number; size: number } {
  let z = zerosCache.get(mib);
  if (!z) {
    const zeros = new Uint8Array(mib * MiB);
    z = { bytes: deflateRawSync(zeros), crc: crc32(zeros) >>> 0, size: zeros.length };
    zerosCache.set(mib, z);
  }
  return z;
}

/** The bytes of a case; undefined when the corpus has no file it can change. */
export function materialize(c: FuzzCase, corpus: readonly CorpusFile[]): { name: string; bytes: Uint8Array } | undefined {
  const f = target(c, corpus);
  if (!f) return undefined;
  const src = f.bytes;
  const out = (bytes: Uint8Array): { name: string; bytes: Uint8Array } => ({ name: f.name, bytes });
  switch (c.op) {
    case 'flip': {
      const b = Uint8Array.from(src);
      for (const [p, bit] of c.flips) b[p % b.length] ^= 1 << bit;
      return out(b);
    }
    case 'truncate':
      return out(src.slice(0, c.at % src.length));
    case 'splice': {
      const from = corpus[c.from % corpus.length].bytes;
      const s = c.srcAt % from.length;
      const chunk = from.subarray(s, s + c.length);
      const b = Uint8Array.from(src);
      b.set(chunk.subarray(0, Math.max(0, b.length - (c.dstAt % b.length))), c.dstAt % b.length);
      return out(b);
    }
    case 'insert': {
      const p = c.at % (src.length + 1);
      const b = new Uint8Array(src.length + c.bytes.length - Math.min(c.remove, src.length - p));
      b.set(src.subarray(0, p));
      b.set(c.bytes, p);
      b.set(src.subarray(p + Math.min(c.remove, src.length - p)), p + c.bytes.length);
      return out(b);
    }
    case 'int': {
      const b = Uint8Array.from(src);
      const p = c.at % Math.max(1, b.length - c.width);
      const v = BigInt.asUintN(64, c.value);
      for (let i = 0; i < c.width && p + i < b.length; i++) b[p + i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return out(b);
    }
    case 'zipField': {
      const fields = zipFields(src);
      const field = pick(fields, c.field);
      return field ? out(setField(src, field, BigInt.asUintN(64, c.value))) : out(src);
    }
    case 'zipOverlap': {
      const offsets = zipFields(src).filter((x) => x.name.endsWith('localHeaderOffset'));
      const a = pick(offsets, c.a);
      const b = pick(offsets, c.b);
      if (!a || !b) return out(src);
      const value = new DataView(src.buffer, src.byteOffset).getUint32(b.offset, true);
      return out(setField(src, a, BigInt(value)));
    }
    case 'bomb': {
      // Zeros inflate about 1000 to 1: a few kilobytes of file claim megabytes, or gigabytes.
      const zeros = deflatedZeros(c.mib);
      const claimed = c.claim === 'honest' ? zeros.size : c.claim === 'lie' ? zeros.size * 64 : 0xfffffffe;
      const records = f.records!.map((r, i) => {
        if (i === f.pickleIndex) return { name: r.name, data: new Uint8Array(0), deflated: zeros, claimedSize: claimed };
        return c.storage && r.name.includes('/data/') ? { name: r.name, data: r.data, deflate: true } : r;
      });
      return out(buildZip(records));
    }
    case 'pickle': {
      const p = f.pickle!;
      const prog = Uint8Array.from(c.program);
      let pickle: Uint8Array;
      if (c.where === 'replace') pickle = Uint8Array.from([0x80, 2, ...c.program, STOP]);
      else {
        const cut = c.where === 'afterProto' ? (p[0] === 0x80 ? 2 : 0) : p.length - 1;
        pickle = new Uint8Array(p.length + prog.length);
        pickle.set(p.subarray(0, cut));
        pickle.set(prog, cut);
        pickle.set(p.subarray(cut), cut + prog.length);
      }
      return out(withPickle(f, pickle));
    }
    case 'tensor': {
      const record = f.records!.find((r) => /\/data\/\d+$/.test(r.name));
      const key = record ? record.name.slice(record.name.lastIndexOf('/') + 1) : '0';
      const pickle = Uint8Array.from([0x80, 2, ...pickleDictOf([['w', torchTensor(key, c.numel, c.offset, c.size, c.stride)]]), STOP]);
      return out(withPickle(f, pickle));
    }
    case 'deep': {
      if (c.shape !== 'json') return out(withPickle(f, deepPickle(c.shape, c.depth)));
      const parts = safetensorsParts(src);
      if (!parts) return out(src);
      const nested = '['.repeat(c.depth) + ']'.repeat(c.depth);
      const text = json(parts.header).replace(/^\{/, `{"__deep__":${nested},`);
      return out(safetensorsBytes(text, parts.data));
    }
    case 'safetensors': {
      const parts = safetensorsParts(src);
      if (!parts) return out(src);
      const header = parts.header;
      const names = Object.keys(header).filter((k) => k !== '__metadata__');
      const name = pick(names, c.tensor);
      const entry = name ? (header[name] as Record<string, unknown>) : undefined;
      let delta = 0n;
      if (entry && c.change === 'shape') entry.shape = c.values;
      else if (entry && c.change === 'offsets') entry.data_offsets = [c.values[0], c.values[1] ?? c.values[0]];
      else if (entry && c.change === 'dtype') entry.dtype = pick(['F64', 'I8', 'BOOL', 'F8_E4M3', 'X99', '', 'U64'], Number(BigInt.asUintN(8, c.values[0])));
      else if (c.change === 'metadata') header.__metadata__ = { a: c.values, b: { nested: true } };
      else delta = c.values[0] % 4096n;
      return out(safetensorsBytes(json(header), parts.data, delta));
    }
  }
}

/** A case as one line, for the report of a failure. */
export function describeCase(c: FuzzCase): string {
  return json(c.op === 'pickle' ? { ...c, program: `${c.program.length} bytes` } : c);
}
