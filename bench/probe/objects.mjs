// The probe's first design: the pickle's values as JS values (strs, arrays, Maps), with the
// tensors written straight into typed-array columns and the rows straight into one buffer. Knows
// only what bench/make_many_tensors.py's checkpoint uses, and throws on anything else.
class Tensor {
  constructor(index) {
    this.index = index;
  }
}
class Global {
  constructor(name) {
    this.name = name;
    this.dtype = name === 'torch.FloatStorage' ? 1 : name === 'torch.LongStorage' ? 2 : 0;
  }
}
const EMPTY = Object.freeze([]);
const ITEMSIZE = [0, 4, 8];
const DTYPE = ['?', 'float32', 'int64'];

/** Runs the pickle; tensors go to `columns`, everything else to plain values. */
export function unpickleObjects(data, reads, columns) {
  const stack = [];
  const marks = [];
  const memo = [];
  const cut = () => {
    const from = marks.pop();
    const items = stack.slice(from);
    stack.length = from;
    return items;
  };
  for (let pos = 0; ; ) {
    const op = data[pos++];
    switch (op) {
      case 0x80: pos++; break; // PROTO
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(EMPTY); break; // EMPTY_TUPLE
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x71: { const k = data[pos++]; memo[k] = reads[k] ? stack[stack.length - 1] : 0; break; } // BINPUT
      case 0x72: { const k = data.readUInt32LE(pos); pos += 4; memo[k] = reads[k] ? stack[stack.length - 1] : 0; break; } // LONG_BINPUT
      case 0x68: stack.push(memo[data[pos++]]); break; // BINGET
      case 0x6a: stack.push(memo[data.readUInt32LE(pos)]); pos += 4; break; // LONG_BINGET
      case 0x4b: stack.push(data[pos++]); break; // BININT1
      case 0x4d: stack.push(data[pos] | (data[pos + 1] << 8)); pos += 2; break; // BININT2
      case 0x4a: stack.push(data.readInt32LE(pos)); pos += 4; break; // BININT
      case 0x47: stack.push(data.readDoubleBE(pos)); pos += 8; break; // BINFLOAT
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x4e: stack.push(null); break; // NONE
      case 0x58: { const n = data.readUInt32LE(pos); pos += 4; stack.push(data.utf8Slice(pos, pos + n)); pos += n; break; } // BINUNICODE
      case 0x63: { // GLOBAL
        const a = data.indexOf(10, pos);
        const b = data.indexOf(10, a + 1);
        stack.push(new Global(`${data.latin1Slice(pos, a)}.${data.latin1Slice(a + 1, b)}`));
        pos = b + 1;
        break;
      }
      case 0x74: stack.push(cut()); break; // TUPLE
      case 0x85: stack[stack.length - 1] = [stack[stack.length - 1]]; break; // TUPLE1
      case 0x86: { const b = stack.pop(); stack[stack.length - 1] = [stack[stack.length - 1], b]; break; } // TUPLE2
      case 0x51: break; // BINPERSID: the id tuple stands for its storage
      case 0x52: { // REDUCE
        const args = stack.pop();
        const callee = stack[stack.length - 1].name;
        if (callee === 'torch._utils._rebuild_tensor_v2') stack[stack.length - 1] = new Tensor(columns.add(args));
        else if (callee === 'collections.OrderedDict') stack[stack.length - 1] = new Map();
        else throw new Error(`unknown callee ${callee}`);
        break;
      }
      case 0x75: { const from = marks.pop(); const d = stack[from - 1]; for (let k = from; k < stack.length; k += 2) d.set(stack[k], stack[k + 1]); stack.length = from; break; } // SETITEMS
      case 0x73: { const v = stack.pop(); const k = stack.pop(); stack[stack.length - 1].set(k, v); break; } // SETITEM
      case 0x65: { const from = marks.pop(); const l = stack[from - 1]; for (let k = from; k < stack.length; k++) l.push(stack[k]); stack.length = from; break; } // APPENDS
      case 0x61: { const v = stack.pop(); stack[stack.length - 1].push(v); break; } // APPEND
      case 0x62: stack.pop(); break; // BUILD: state ignored
      case 0x2e: return stack.pop(); // STOP
      default: throw new Error(`opcode 0x${op.toString(16)} at ${pos - 1}`);
    }
    if (pos >= data.length) throw new Error('truncated pickle');
  }
}

/** Tensors as typed-array columns, grown by doubling. */
export function tensorColumns() {
  let capacity = 1024;
  let dtype = new Uint8Array(capacity);
  let storage = new Int32Array(capacity);
  let rank = new Uint8Array(capacity);
  let dims = new Int32Array(capacity);
  let pool = new Float64Array(capacity * 4);
  let used = 0;
  const grown = (a, length) => {
    const b = new a.constructor(length);
    b.set(a);
    return b;
  };
  return {
    length: 0,
    add(args) {
      const i = this.length;
      if (i === capacity) {
        capacity *= 2;
        [dtype, storage, rank, dims] = [grown(dtype, capacity), grown(storage, capacity), grown(rank, capacity), grown(dims, capacity)];
      }
      const id = args[0];
      const shape = args[2];
      const stride = args[3];
      dtype[i] = id[1].dtype;
      storage[i] = Number(id[2]);
      rank[i] = shape.length;
      dims[i] = used;
      if (used + 2 * shape.length > pool.length) pool = grown(pool, pool.length * 2);
      for (let k = 0; k < shape.length; k++) {
        pool[used++] = shape[k];
        pool[used++] = stride[k];
      }
      this.length = i + 1;
      return i;
    },
    /** `[shape]` as JSON text, and the tensor's element count. */
    shapeText(i) {
      let text = '[';
      let n = 1;
      for (let k = 0; k < rank[i]; k++) {
        const size = pool[dims[i] + 2 * k];
        n *= size;
        text += k === 0 ? `${size}` : `,${size}`;
      }
      return [`${text}]`, n];
    },
    dtypeOf: (i) => dtype[i],
  };
}

/** A key as it stands inside a JSON string. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const segment = (k) => {
  const text = String(k);
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
};

/** Text appended to one growing buffer. */
function byteWriter(capacity) {
  let buffer = Buffer.allocUnsafe(capacity);
  let used = 0;
  const room = (n) => {
    if (used + n <= buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + n));
    buffer.copy(bigger, 0, 0, used);
    buffer = bigger;
  };
  return {
    text(s) {
      room(3 * s.length);
      used += buffer.utf8Write(s, used);
    },
    /** An ASCII string, by a loop: a native write per short string cost more than the copy. */
    ascii(s) {
      room(s.length);
      for (let i = 0; i < s.length; i++) buffer[used++] = s.charCodeAt(i);
    },
    done: () => buffer.subarray(0, used),
  };
}

/** The report's JSON, written from the values and the columns. */
export function writeObjects(value, tensors, file, size) {
  // The rows go straight into one buffer, in the walk's order (the pickle's, as the CLI's rows):
  // no path is joined into a string, though each key and each row's tail is one.
  const out = byteWriter(tensors.length * 160 + 4096);
  out.text(`{"file":${JSON.stringify(file)},"size":${size},"tensors":[`);
  const prefix = [];
  let bytes = 0;
  let first = true;
  const row = (index, inModel) => {
    out.ascii(first ? '{"path":"' : ',{"path":"');
    first = false;
    for (let k = 0; k < prefix.length; k++) {
      if (k > 0) out.ascii('.');
      out.text(prefix[k]);
    }
    const [shape, n] = tensors.shapeText(index);
    const nbytes = n * ITEMSIZE[tensors.dtypeOf(index)];
    bytes += nbytes;
    out.ascii(`","dtype":"${DTYPE[tensors.dtypeOf(index)]}","shape":${shape},"nbytes":${nbytes},"role":"${inModel ? 'parameter' : 'optimizer'}","device":"cpu"}`);
  };
  const walk = (v, inModel) => {
    if (v instanceof Tensor) row(v.index, inModel);
    else if (v instanceof Map) {
      for (const [k, child] of v) {
        prefix.push(segment(k));
        walk(child, inModel);
        prefix.pop();
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        prefix.push(String(i));
        walk(v[i], inModel);
        prefix.pop();
      }
    }
  };
  for (const [k, v] of value) {
    prefix.push(segment(k));
    walk(v, k === 'model');
    prefix.pop();
  }
  out.text(`],"tensorBytes":${bytes}}`);
  return out.done();
}
