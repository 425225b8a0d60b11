// Pickles inside a pickle: bytes handed to `pickle.loads`, `torch.load(io.BytesIO(...))`,
// `torch.storage._load_from_bytes` and the like, which loading would unpickle in turn. The scan
// reads them as files of their own, so a payload wrapped in bytes is still named.
import { python3QualifiedName } from '../pickle/python2Names';
import type { CallLog } from '../values/callLog';
import { PyByteArray, PyObject, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { calleeOf } from './reachedNames';

/** Callables that unpickle (or torch.load) the bytes they are given. */
const LOADERS = new Set([
  'pickle.loads', 'pickle.load', 'pickle._loads', 'pickle._load', 'pickle.Unpickler', '_pickle.loads', '_pickle.load', '_pickle.Unpickler',
  'dill.loads', 'dill.load', 'cloudpickle.loads', 'cloudpickle.load', 'joblib.load', 'numpy.load',
  'torch.load', 'torch.serialization.load', 'torch.storage._load_from_bytes', 'torch.utils._config_module.ConfigModule.load_config',
]);
/** How deep inside a loader's arguments bytes are looked for (`torch.load(io.BytesIO(b))` is 2). */
const MAX_ARG_DEPTH = 3;
/** Nested pickles looked at per file: a hostile file can hold many. */
export const MAX_NESTED = 16;

export interface NestedPickle {
  /** The loader the bytes are handed to, e.g. `pickle.loads`. */
  via: string;
  bytes: Uint8Array;
}

function bytesIn(v: PyValue | undefined, depth: number, out: Uint8Array[]): void {
  if (depth > MAX_ARG_DEPTH || out.length >= MAX_NESTED) return;
  if (v instanceof Uint8Array) out.push(v);
  else if (v instanceof PyByteArray) out.push(v.bytes);
  else if (v instanceof PyTuple) for (const x of v.items) bytesIn(x, depth + 1, out);
  else if (Array.isArray(v)) for (const x of v) bytesIn(x, depth + 1, out);
  else if (v instanceof PyObject) for (const x of v.args) bytesIn(x, depth + 1, out);
}

/** The bytes the log's calls hand to a loader, first-seen order, at most MAX_NESTED. */
export function nestedPickles(log: CallLog): NestedPickle[] {
  const out: NestedPickle[] = [];
  for (const call of log.records) {
    const name = calleeOf(call);
    const via = name === undefined ? undefined : python3QualifiedName(name);
    if (via === undefined || !LOADERS.has(via)) continue;
    const found: Uint8Array[] = [];
    for (const a of call.args) bytesIn(a, 0, found);
    for (const bytes of found) if (out.length < MAX_NESTED) out.push({ via, bytes });
  }
  return out;
}
