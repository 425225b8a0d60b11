// Pickle opcodes as bytes, for the fuzz suite's structure-aware cases: a hostile or broken pickle
// is written opcode by opcode (lengths that lie, memo indices never stored, nesting deeper than any
// real file) without Python, so that each case is made in microseconds.

const enc = new TextEncoder();

export function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function u64le(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** A Python int: BININT1, BININT, or LONG1 for anything else (negative and huge too). */
export function pickleInt(n: bigint | number): number[] {
  const v = BigInt(n);
  if (v >= 0n && v < 256n) return [0x4b, Number(v)];
  if (v >= -(2n ** 31n) && v < 2n ** 31n) return [0x4a, ...u32le(Number(BigInt.asUintN(32, v)))];
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.push(Number(BigInt.asUintN(8, x)));
    x >>= 8n;
    if ((x === 0n && (bytes[bytes.length - 1] & 0x80) === 0) || (x === -1n && (bytes[bytes.length - 1] & 0x80) !== 0)) break;
  }
  return [0x8a, bytes.length, ...bytes];
}

export function pickleStr(s: string): number[] {
  const b = enc.encode(s);
  return b.length < 256 ? [0x8c, b.length, ...b] : [0x58, ...u32le(b.length), ...b];
}

export function pickleGlobal(module: string, name: string): number[] {
  return [0x63, ...enc.encode(`${module}\n${name}\n`)];
}

export function pickleTuple(items: number[][]): number[] {
  return [0x28, ...items.flat(), 0x74];
}

export const MARK = 0x28;
export const STOP = 0x2e;
export const REDUCE = 0x52;
export const EMPTY_DICT = 0x7d;
export const NEWFALSE = 0x89;
export const BINPERSID = 0x51;

/**
 * torch's tensor in a pickle: `_rebuild_tensor_v2(persistent_id, offset, size, stride, False,
 * OrderedDict())`, its storage `('storage', FloatStorage, key, 'cpu', numel)`.
 */
export function torchTensor(key: string, numel: bigint, offset: bigint, size: bigint[], stride: bigint[]): number[] {
  const pid = pickleTuple([pickleStr('storage'), pickleGlobal('torch', 'FloatStorage'), pickleStr(key), pickleStr('cpu'), pickleInt(numel)]);
  return [
    ...pickleGlobal('torch._utils', '_rebuild_tensor_v2'),
    ...pickleTuple([[...pid, BINPERSID], pickleInt(offset), pickleTuple(size.map(pickleInt)), pickleTuple(stride.map(pickleInt)), [NEWFALSE], [...pickleGlobal('collections', 'OrderedDict'), 0x29, REDUCE]]),
    REDUCE,
  ];
}

/** `{key: value}` pickled at protocol 2 around the value's opcodes. */
export function pickleDictOf(entries: Array<[string, number[]]>): number[] {
  return [EMPTY_DICT, MARK, ...entries.flatMap(([k, v]) => [...pickleStr(k), ...v]), 0x75];
}
