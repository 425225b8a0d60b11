// Which memo entries a pickle ever reads back. Python's pickler memoizes every container and
// string it writes, but a state dict reads back few of them (the rebuild function, the storage
// class, tied weights). Entries never read need not be kept: the unpickler then lets a tensor's
// argument tuples and hook dicts die young, instead of keeping them to the end of the pickle,
// which is most of what garbage collection cost on a checkpoint of many small tensors.
//
// One pass over the opcodes, reading only their lengths and the GET arguments. Anything it does
// not follow (a truncated or malformed pickle, an unknown opcode) gives undefined, and the
// unpickler then keeps every entry, so its errors and results are never changed by this pass.
import { ArgumentProblem } from './argumentProblem';
import { Op } from './opcodes';
import { latin1 } from './stringDecoders';
import { memoIndexArgument } from './textOpcodes';

/** Read indices below this go in a bitmap (at most 2 MiB); the rest, from hostile or odd pickles, in a set. */
const BITMAP_LIMIT = 1 << 24;

/** The memo indices a pickle reads (GET, BINGET, LONG_BINGET). */
export class MemoReads {
  private bits = new Uint8Array(64);
  private readonly far = new Set<number>();

  add(index: number): void {
    if (index >= BITMAP_LIMIT) {
      this.far.add(index);
      return;
    }
    const byte = index >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] |= 1 << (index & 7);
  }

  has(index: number): boolean {
    if (index >= BITMAP_LIMIT) return this.far.has(index);
    const byte = index >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (index & 7))) !== 0;
  }
}

/** Argument bytes of the opcodes with a fixed-size argument; -1 marks a variable one. */
const FIXED = new Int8Array(256).fill(-2);
for (const op of [
  Op.MARK, Op.STOP, Op.POP, Op.POP_MARK, Op.DUP, Op.NONE, Op.NEWTRUE, Op.NEWFALSE, Op.EMPTY_TUPLE, Op.TUPLE,
  Op.TUPLE1, Op.TUPLE2, Op.TUPLE3, Op.EMPTY_LIST, Op.LIST, Op.APPEND, Op.APPENDS, Op.EMPTY_DICT, Op.DICT,
  Op.SETITEM, Op.SETITEMS, Op.EMPTY_SET, Op.ADDITEMS, Op.FROZENSET, Op.MEMOIZE, Op.STACK_GLOBAL, Op.OBJ,
  Op.REDUCE, Op.NEWOBJ, Op.NEWOBJ_EX, Op.BUILD, Op.BINPERSID, Op.NEXT_BUFFER, Op.READONLY_BUFFER,
]) FIXED[op] = 0;
for (const op of [Op.PROTO, Op.BININT1, Op.BINPUT, Op.BINGET, Op.EXT1]) FIXED[op] = 1;
for (const op of [Op.BININT2, Op.EXT2]) FIXED[op] = 2;
for (const op of [Op.BININT, Op.LONG_BINPUT, Op.LONG_BINGET, Op.EXT4]) FIXED[op] = 4;
for (const op of [Op.BINFLOAT, Op.FRAME]) FIXED[op] = 8;
for (const op of [
  Op.SHORT_BINUNICODE, Op.SHORT_BINBYTES, Op.SHORT_BINSTRING, Op.LONG1, Op.BINUNICODE, Op.BINBYTES, Op.BINSTRING,
  Op.LONG4, Op.BINUNICODE8, Op.BINBYTES8, Op.BYTEARRAY8, Op.INT, Op.LONG, Op.FLOAT, Op.STRING, Op.UNICODE, Op.PUT,
  Op.GET, Op.PERSID, Op.GLOBAL, Op.INST,
]) FIXED[op] = -1;

/**
 * The memo indices read by the pickle that starts at `offset`, up to its STOP; undefined when the
 * pass cannot follow it to a STOP.
 */
export function memoReads(data: Uint8Array, offset: number): MemoReads | undefined {
  const reads = new MemoReads();
  const end = data.length;
  let pos = offset;
  /** The end of the newline-terminated argument at `pos` (past the newline), or -1. */
  const line = (): number => {
    const nl = data.indexOf(0x0a, pos);
    return nl < 0 ? -1 : nl + 1;
  };
  /** A little-endian length of `width` bytes at `pos`, or -1 when it cannot be one. */
  const length = (width: 1 | 4 | 8): number => {
    if (pos + width > end) return -1;
    if (width === 1) return data[pos];
    const lo = (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24)) >>> 0;
    if (width === 4) return lo;
    const hi = (data[pos + 4] | (data[pos + 5] << 8) | (data[pos + 6] << 16) | (data[pos + 7] << 24)) >>> 0;
    return hi === 0 ? lo : -1;
  };
  while (pos < end) {
    const op = data[pos++];
    const fixed = FIXED[op];
    if (fixed === -2) return undefined;
    if (op === Op.STOP) return reads;
    if (op === Op.BINGET) {
      if (pos + 1 > end) return undefined;
      reads.add(data[pos]);
    } else if (op === Op.LONG_BINGET) {
      const index = length(4);
      if (index < 0) return undefined;
      reads.add(index);
    }
    if (fixed >= 0) {
      pos += fixed;
      continue;
    }
    let next: number;
    switch (op) {
      case Op.SHORT_BINUNICODE: case Op.SHORT_BINBYTES: case Op.SHORT_BINSTRING: case Op.LONG1: {
        const n = length(1);
        next = n < 0 ? -1 : pos + 1 + n;
        break;
      }
      case Op.BINUNICODE: case Op.BINBYTES: case Op.BINSTRING: case Op.LONG4: {
        const n = length(4);
        // BINSTRING's and LONG4's lengths are signed: a negative one is an error for the machine.
        next = n < 0 || ((op === Op.BINSTRING || op === Op.LONG4) && n >= 0x8000_0000) ? -1 : pos + 4 + n;
        break;
      }
      case Op.BINUNICODE8: case Op.BINBYTES8: case Op.BYTEARRAY8: {
        const n = length(8);
        next = n < 0 ? -1 : pos + 8 + n;
        break;
      }
      case Op.GLOBAL: case Op.INST: {
        const first = line();
        pos = first < 0 ? pos : first;
        next = first < 0 ? -1 : line();
        break;
      }
      case Op.GET: {
        next = line();
        if (next < 0) return undefined;
        const index = memoIndexArgument(latin1(data, pos, next - 1));
        if (index instanceof ArgumentProblem) return undefined;
        reads.add(index);
        break;
      }
      default:
        // INT, LONG, FLOAT, STRING, UNICODE, PUT, PERSID: one line.
        next = line();
    }
    if (next < 0 || next > end) return undefined;
    pos = next;
  }
  return undefined;
}
