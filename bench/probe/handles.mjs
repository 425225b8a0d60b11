// The probe's second design: no JS value per pickle value. Every value is an int handle into
// typed-array columns (kind, two payload words); strs stay as byte ranges of the pickle, tuples
// as ranges of one item pool, dicts as chains of item ranges. The rows are written by copying the
// keys' bytes from the pickle into the output. Knows only what bench/make_many_tensors.py's
// checkpoint uses, and throws on anything else.
const K = { NONE: 0, INT: 1, FLOAT: 2, BOOL: 3, STR: 4, SEQ: 5, DICT: 6, LIST: 7, TENSOR: 8, GLOBAL: 9 };
const G = { OTHER: 0, REBUILD: 1, ORDERED_DICT: 2, FLOAT_STORAGE: 3, LONG_STORAGE: 4 };
const ITEMSIZE = [0, 0, 0, 4, 8];

function globalOf(name) {
  if (name === 'torch._utils._rebuild_tensor_v2') return G.REBUILD;
  if (name === 'collections.OrderedDict') return G.ORDERED_DICT;
  if (name === 'torch.FloatStorage') return G.FLOAT_STORAGE;
  if (name === 'torch.LongStorage') return G.LONG_STORAGE;
  return G.OTHER;
}

/** Runs the pickle into handles; returns the root's handle and the tables to read it. */
export function unpickleHandles(data, reads) {
  const n = data.length;
  // Sized from the pickle's length, as this one file needs (a value per opcode at most, an item
  // per value; a SETITEM needs 3 bytes, a tensor 20); a typed array drops writes past its end, and
  // bench/manyTensorsFloor.mjs checks the rows against the CLI's.
  const cap = n + 16;
  const kind = new Uint8Array(cap);
  const a = new Int32Array(cap);
  const b = new Int32Array(cap);
  let values = 0;
  const items = new Int32Array(cap);
  let itemsUsed = 0;
  // Dict chains: each SETITEM(S) adds a run of items [start, start + count) to its dict.
  const runStart = new Int32Array((cap >> 1) + 1);
  const runCount = new Int32Array((cap >> 1) + 1);
  const runNext = new Int32Array((cap >> 1) + 1);
  let runs = 1;
  const dictHead = new Int32Array(cap >> 1);
  const dictTail = new Int32Array(cap >> 1);
  let dicts = 0;
  const lists = [];
  // Tensor columns, as in bench/probe/objects.mjs: dtype, storage key, rank, and (size, stride)
  // pairs in one pool.
  const tDtype = new Uint8Array(cap >> 4);
  const tStorage = new Int32Array(cap >> 4);
  const tRank = new Uint8Array(cap >> 4);
  const tDims = new Int32Array(cap >> 4);
  const dims = new Float64Array(cap >> 1);
  let dimsUsed = 0;
  let tensors = 0;

  const stack = new Int32Array(1 << 16);
  let top = 0;
  const marks = new Int32Array(1 << 12);
  let depth = 0;
  const memo = new Int32Array(reads.length);
  const value = (k, x, y) => {
    kind[values] = k;
    a[values] = x;
    b[values] = y;
    return values++;
  };
  const newDict = () => {
    dictHead[dicts] = 0;
    dictTail[dicts] = 0;
    return value(K.DICT, dicts++, 0);
  };
  const setItems = (dict, from) => {
    const count = top - from;
    if (count & 1 || kind[dict] !== K.DICT) throw new Error('bad SETITEMS');
    for (let i = from; i < top; i++) items[itemsUsed + i - from] = stack[i];
    const d = a[dict];
    runStart[runs] = itemsUsed;
    runCount[runs] = count;
    runNext[runs] = 0;
    if (dictTail[d] === 0) dictHead[d] = runs;
    else runNext[dictTail[d]] = runs;
    dictTail[d] = runs++;
    itemsUsed += count;
    top = from;
  };
  const tuple = (from) => {
    const h = value(K.SEQ, itemsUsed, top - from);
    // A loop, not set(subarray()): a view object per tuple cost more than the copy.
    for (let i = from; i < top; i++) items[itemsUsed++] = stack[i];
    top = from;
    return h;
  };
  const item = (seq, i) => items[a[seq] + i];
  const rebuild = (args) => {
    const pid = item(args, 0);
    const key = item(pid, 2);
    const shape = item(args, 2);
    const stride = item(args, 3);
    const rank = b[shape];
    const i = tensors++;
    tDtype[i] = a[item(pid, 1)];
    // The storage key is a decimal str: its bytes, read as a number.
    let storage = 0;
    for (let k = a[key]; k < a[key] + b[key]; k++) storage = storage * 10 + data[k] - 48;
    tStorage[i] = storage;
    tRank[i] = rank;
    tDims[i] = dimsUsed;
    for (let k = 0; k < rank; k++) {
      dims[dimsUsed++] = a[item(shape, k)];
      dims[dimsUsed++] = a[item(stride, k)];
    }
    return value(K.TENSOR, i, 0);
  };

  const EMPTY = value(K.SEQ, 0, 0);
  for (let pos = 0; ; ) {
    const op = data[pos++];
    switch (op) {
      case 0x80: pos++; break; // PROTO
      case 0x7d: stack[top++] = newDict(); break; // EMPTY_DICT
      case 0x5d: lists.push([]); stack[top++] = value(K.LIST, lists.length - 1, 0); break; // EMPTY_LIST
      case 0x29: stack[top++] = EMPTY; break; // EMPTY_TUPLE
      case 0x28: marks[depth++] = top; break; // MARK
      case 0x71: { const k = data[pos++]; memo[k] = reads[k] ? stack[top - 1] : -1; break; } // BINPUT
      case 0x72: { const k = data.readUInt32LE(pos); pos += 4; memo[k] = reads[k] ? stack[top - 1] : -1; break; } // LONG_BINPUT
      case 0x68: stack[top++] = memo[data[pos++]]; break; // BINGET
      case 0x6a: stack[top++] = memo[data.readUInt32LE(pos)]; pos += 4; break; // LONG_BINGET
      case 0x4b: stack[top++] = value(K.INT, data[pos++], 0); break; // BININT1
      case 0x4d: stack[top++] = value(K.INT, data[pos] | (data[pos + 1] << 8), 0); pos += 2; break; // BININT2
      case 0x4a: stack[top++] = value(K.INT, data.readInt32LE(pos), 0); pos += 4; break; // BININT
      case 0x47: stack[top++] = value(K.FLOAT, pos, 0); pos += 8; break; // BINFLOAT (its bytes)
      case 0x89: stack[top++] = value(K.BOOL, 0, 0); break; // NEWFALSE
      case 0x88: stack[top++] = value(K.BOOL, 1, 0); break; // NEWTRUE
      case 0x4e: stack[top++] = value(K.NONE, 0, 0); break; // NONE
      case 0x58: { const len = data.readUInt32LE(pos); stack[top++] = value(K.STR, pos + 4, len); pos += 4 + len; break; } // BINUNICODE
      case 0x63: { // GLOBAL
        const x = data.indexOf(10, pos);
        const y = data.indexOf(10, x + 1);
        stack[top++] = value(K.GLOBAL, globalOf(`${data.latin1Slice(pos, x)}.${data.latin1Slice(x + 1, y)}`), 0);
        pos = y + 1;
        break;
      }
      case 0x74: { const from = marks[--depth]; stack[from] = tuple(from); top = from + 1; break; } // TUPLE
      case 0x85: { const from = top - 1; stack[from] = tuple(from); top = from + 1; break; } // TUPLE1
      case 0x86: { const from = top - 2; stack[from] = tuple(from); top = from + 1; break; } // TUPLE2
      case 0x51: break; // BINPERSID: the id tuple stands for its storage
      case 0x52: { // REDUCE
        const args = stack[--top];
        const callee = stack[top - 1];
        if (kind[callee] !== K.GLOBAL) throw new Error('REDUCE of a non-global');
        if (a[callee] === G.REBUILD) stack[top - 1] = rebuild(args);
        else if (a[callee] === G.ORDERED_DICT) stack[top - 1] = newDict();
        else throw new Error('unknown callee');
        break;
      }
      case 0x75: setItems(stack[marks[depth - 1] - 1], marks[--depth]); break; // SETITEMS
      case 0x73: setItems(stack[top - 3], top - 2); break; // SETITEM
      case 0x65: { const from = marks[--depth]; const list = lists[a[stack[from - 1]]]; for (let k = from; k < top; k++) list.push(stack[k]); top = from; break; } // APPENDS
      case 0x61: { const v = stack[--top]; lists[a[stack[top - 1]]].push(v); break; } // APPEND
      case 0x62: top--; break; // BUILD: state ignored
      case 0x2e: // STOP
        return { root: stack[top - 1], kind, a, b, items, runStart, runCount, runNext, dictHead, lists, tDtype, tStorage, tRank, tDims, dims, tensors };
      default:
        throw new Error(`opcode 0x${op.toString(16)} at ${pos - 1}`);
    }
    if (pos >= n) throw new Error('truncated pickle');
  }
}

const NEEDS_ESCAPE = (data, start, end) => {
  for (let i = start; i < end; i++) if (data[i] < 0x20 || data[i] === 0x22 || data[i] === 0x5c) return true;
  return false;
};

const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ROW_START = ascii('{"path":"');
const NEXT_ROW_START = ascii(',{"path":"');
const DTYPE_TEXT = ['?', '?', '?', 'float32', 'int64'].map((d) => ascii(`","dtype":"${d}","shape":[`));
const NBYTES = ascii('],"nbytes":');
const PARAMETER_TAIL = ascii(',"role":"parameter","device":"cpu"}');
const OPTIMIZER_TAIL = ascii(',"role":"optimizer","device":"cpu"}');

/**
 * The report's JSON, written from the handles into one buffer: keys copied as bytes from the
 * pickle, constant parts from byte arrays, numbers digit by digit (no string per row).
 */
export function writeHandles(data, t, file, size) {
  const { kind, a, b, items, runStart, runCount, runNext, dictHead, tDtype, tRank, tDims, dims } = t;
  const head = Buffer.from(`{"file":${JSON.stringify(file)},"size":${size},"tensors":[`);
  const out = Buffer.allocUnsafe(head.length + t.tensors * 256 + 4096);
  let used = head.copy(out, 0);
  const put = (bytes) => {
    for (let i = 0; i < bytes.length; i++) out[used++] = bytes[i];
  };
  const int = (n) => {
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    for (let i = used + digits - 1, m = n; i >= used; i--, m = Math.floor(m / 10)) out[i] = 48 + (m % 10);
    used += digits;
  };
  // The path so far: each segment a value handle (a str or an int).
  const path = new Int32Array(64);
  let depth = 0;
  let rows = 0;
  let bytes = 0;
  const segment = (h) => {
    if (kind[h] !== K.STR) return int(a[h]);
    const start = a[h];
    const end = start + b[h];
    if (NEEDS_ESCAPE(data, start, end)) used += out.write(JSON.stringify(data.utf8Slice(start, end)).slice(1, -1), used);
    else for (let i = start; i < end; i++) out[used++] = data[i];
  };
  const row = (tensor, inModel) => {
    if (used + 4096 > out.length) throw new Error('the probe\'s output buffer is too small');
    put(rows++ === 0 ? ROW_START : NEXT_ROW_START);
    for (let k = 0; k < depth; k++) {
      if (k > 0) out[used++] = 0x2e;
      segment(path[k]);
    }
    const dtype = tDtype[tensor];
    put(DTYPE_TEXT[dtype]);
    let n = 1;
    for (let k = 0; k < tRank[tensor]; k++) {
      const d = dims[tDims[tensor] + 2 * k];
      n *= d;
      if (k > 0) out[used++] = 0x2c;
      int(d);
    }
    bytes += n * ITEMSIZE[dtype];
    put(NBYTES);
    int(n * ITEMSIZE[dtype]);
    put(inModel ? PARAMETER_TAIL : OPTIMIZER_TAIL);
  };
  const walk = (h, inModel) => {
    if (kind[h] === K.TENSOR) row(a[h], inModel);
    else if (kind[h] === K.DICT) {
      for (let r = dictHead[a[h]]; r !== 0; r = runNext[r]) {
        const end = runStart[r] + runCount[r];
        for (let i = runStart[r]; i < end; i += 2) {
          path[depth++] = items[i];
          walk(items[i + 1], inModel);
          depth--;
        }
      }
    }
  };
  // The top level: the model's dict is the parameters.
  for (let r = dictHead[a[t.root]]; r !== 0; r = runNext[r]) {
    const end = runStart[r] + runCount[r];
    for (let i = runStart[r]; i < end; i += 2) {
      const key = items[i];
      const isModel = kind[key] === K.STR && b[key] === 5 && data.latin1Slice(a[key], a[key] + 5) === 'model';
      path[depth++] = key;
      walk(items[i + 1], isModel);
      depth--;
    }
  }
  used += out.write(`],"tensorBytes":${bytes}}`, used);
  return out.subarray(0, used);
}
