// The data.pkl of an exported .pt: a protocol-2 pickle of an OrderedDict from str keys to
// tensors rebuilt by torch._utils._rebuild_tensor_v2, on typed storages saved on the CPU. It uses
// only what torch 1.13's weights_only unpickler accepts (no floats, no devices, no sets), and a
// tensor that appears under several keys is one memo entry, so tied weights stay tied on load.

import { Op } from '../pickle/opcodes';
import { contiguousStride } from '../torch/tensorRef';

/** How many items one SETITEMS takes (the standard pickler's batch). */
const BATCH = 1000;

/** One storage of the exported file: its record is `data/<key>`. */
export interface PickledStorage {
  key: string;
  /** torch's typed-storage class, e.g. `FloatStorage`. */
  storageClass: string;
  numel: number;
}

export interface PickledTensor {
  storage: PickledStorage;
  shape: readonly number[];
}

class PickleBuffer {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(64 * 1024);
  private used = 0;
  private memoCount = 0;
  private readonly memo = new Map<string | object, number>();

  byte(b: number): void {
    if (this.used === this.current.length) this.flush();
    this.current[this.used++] = b;
  }

  bytes(b: Uint8Array): void {
    for (const x of b) this.byte(x);
  }

  u32(n: number): void {
    this.byte(n & 0xff);
    this.byte((n >>> 8) & 0xff);
    this.byte((n >>> 16) & 0xff);
    this.byte((n >>> 24) & 0xff);
  }

  int(n: number): void {
    if (!Number.isSafeInteger(n)) throw new Error(`cannot pickle ${n} as an int.`);
    if (n >= 0 && n < 0x100) {
      this.byte(Op.BININT1);
      this.byte(n);
    } else if (n >= 0 && n < 0x10000) {
      this.byte(Op.BININT2);
      this.byte(n & 0xff);
      this.byte(n >>> 8);
    } else if (n >= -0x80000000 && n < 0x80000000) {
      this.byte(Op.BININT);
      this.u32(n >>> 0);
    } else {
      // Op.LONG1: little-endian two's complement, as short as the sign allows.
      let v = BigInt(n);
      const out: number[] = [];
      for (;;) {
        const b = Number(v & 0xffn);
        out.push(b);
        v >>= 8n;
        if ((v === 0n && !(b & 0x80)) || (v === -1n && b & 0x80)) break;
      }
      this.byte(Op.LONG1);
      this.byte(out.length);
      out.forEach((b) => this.byte(b));
    }
  }

  str(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    this.byte(Op.BINUNICODE);
    this.u32(utf8.length);
    this.bytes(utf8);
  }

  put(key: string | object): void {
    const index = this.memoCount++;
    this.memo.set(key, index);
    if (index < 0x100) {
      this.byte(Op.BINPUT);
      this.byte(index);
    } else {
      this.byte(Op.LONG_BINPUT);
      this.u32(index);
    }
  }

  /** Pushes the memoized value again; false when there is none. */
  get(key: string | object): boolean {
    const index = this.memo.get(key);
    if (index === undefined) return false;
    if (index < 0x100) {
      this.byte(Op.BINGET);
      this.byte(index);
    } else {
      this.byte(Op.LONG_BINGET);
      this.u32(index);
    }
    return true;
  }

  /** `module.name`, memoized after its first use as the standard pickler does. */
  global(module: string, name: string): void {
    const key = `global:${module}.${name}`;
    if (this.get(key)) return;
    this.byte(Op.GLOBAL);
    this.bytes(new TextEncoder().encode(`${module}\n${name}\n`));
    this.put(key);
  }

  intTuple(values: readonly number[]): void {
    if (values.length === 0) {
      this.byte(Op.EMPTY_TUPLE);
      return;
    }
    this.byte(Op.MARK);
    values.forEach((x) => this.int(x));
    this.byte(Op.TUPLE);
  }

  private flush(): void {
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = new Uint8Array(this.current.length);
    this.used = 0;
  }

  done(): Uint8Array {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}


function emptyOrderedDict(p: PickleBuffer): void {
  p.global('collections', 'OrderedDict');
  p.byte(Op.EMPTY_TUPLE);
  p.byte(Op.REDUCE);
}

function tensor(p: PickleBuffer, t: PickledTensor): void {
  if (p.get(t)) return;
  p.global('torch._utils', '_rebuild_tensor_v2');
  p.byte(Op.MARK);
  // The persistent id: ('storage', storage class, key, location, numel).
  p.byte(Op.MARK);
  p.str('storage');
  p.global('torch', t.storage.storageClass);
  p.str(t.storage.key);
  p.str('cpu');
  p.int(t.storage.numel);
  p.byte(Op.TUPLE);
  p.byte(Op.BINPERSID);
  p.int(0); // storage offset
  p.intTuple(t.shape);
  p.intTuple(contiguousStride(t.shape));
  p.byte(Op.NEWFALSE); // requires_grad
  emptyOrderedDict(p); // backward hooks
  p.byte(Op.TUPLE);
  p.byte(Op.REDUCE);
  p.put(t);
}

/** The pickle of an OrderedDict of `entries` in their order; pass one object for tied keys. */
export function pickleStateDict(entries: ReadonlyArray<readonly [string, PickledTensor]>): Uint8Array {
  const p = new PickleBuffer();
  p.byte(Op.PROTO);
  p.byte(2);
  emptyOrderedDict(p);
  for (let i = 0; i < entries.length; i += BATCH) {
    p.byte(Op.MARK);
    for (const [key, t] of entries.slice(i, i + BATCH)) {
      p.str(key);
      tensor(p, t);
    }
    p.byte(Op.SETITEMS);
  }
  p.byte(Op.STOP);
  return p.done();
}
