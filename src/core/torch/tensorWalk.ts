// Finds every tensor in a checkpoint's object, depth first in container order, with the path
// torch users know: keys joined by `.`, list and tuple indices as numbers.
import { PyDict, PyObject, PyTuple } from '../values/pyValue';
import type { PyOpaque, PyValue } from '../values/pyValue';
import { CorruptError } from '../errors';
import { isTensor } from './torchReconstructions';
import type { TensorRef } from './tensorRef';

export interface TensorOccurrence {
  path: string;
  /** The same object for every occurrence of one tensor (tied weights). */
  tensor: PyOpaque<TensorRef>;
}

/** A dict key as it appears in a path: str as is, int in decimal, anything else in a short form. */
export function keyToString(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') return Number.isInteger(key) ? `${key}.0` : String(key);
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  if (key instanceof PyTuple) return `(${key.items.map(keyToString).join(', ')})`;
  return '?';
}

function children(v: PyValue): Array<[string, PyValue]> | undefined {
  if (v instanceof PyDict) return [...v.entries()].map(([k, x]) => [keyToString(k), x]);
  if (Array.isArray(v)) return v.map((x, i) => [String(i), x]);
  if (v instanceof PyTuple) return v.items.map((x, i) => [String(i), x]);
  if (v instanceof PyObject) {
    // An unknown object's attributes (TorchScript modules, Namespaces): its BUILD state.
    const out: Array<[string, PyValue]> = [];
    if (v.state instanceof PyDict) out.push(...children(v.state)!);
    else if (v.state instanceof PyTuple) {
      for (const part of v.state.items) if (part instanceof PyDict) out.push(...children(part)!);
    }
    v.dictItems.forEach(([k, x]) => out.push([keyToString(k), x]));
    v.listItems.forEach((x, i) => out.push([String(i), x]));
    return out;
  }
  return undefined;
}

/**
 * How many values a walk may visit. Real checkpoints visit about as many values as they hold;
 * a hostile pickle can share one container under itself until the paths number 2^n.
 */
export const MAX_WALK_VISITS = 5_000_000;
/** Tensor occurrences at the most (the largest real checkpoints hold a few hundred thousand). */
export const MAX_OCCURRENCES = 1_000_000;

/** Visits every value under `root` depth first, in container order, with its path. Cycles are cut. */
function walkValues(root: PyValue, prefix: string, visit: (v: PyValue, path: string) => void): void {
  const onPath = new Set<object>();
  let visits = 0;
  const step = (v: PyValue, path: string): void => {
    if (++visits > MAX_WALK_VISITS) throw new CorruptError('its object graph shares containers so often that walking it would never end (a hostile or broken pickle).');
    visit(v, path);
    const kids = children(v);
    if (!kids || onPath.has(v as object)) return;
    onPath.add(v as object);
    for (const [k, x] of kids) step(x, path === '' ? k : `${path}.${k}`);
    onPath.delete(v as object);
  };
  step(root, prefix);
}

/** Every tensor occurrence under `root`; `prefix` is prepended to paths. Cycles are cut. */
export function walkTensors(root: PyValue, prefix = ''): TensorOccurrence[] {
  const out: TensorOccurrence[] = [];
  walkValues(root, prefix, (v, path) => {
    if (!isTensor(v)) return;
    if (out.length >= MAX_OCCURRENCES) throw new CorruptError(`it names more than ${MAX_OCCURRENCES} tensors (a hostile or broken pickle).`);
    out.push({ path, tensor: v });
  });
  return out;
}

/** Paths of the dicts under `root` that `accept` takes, in walk order. */
export function findDicts(root: PyValue, accept: (dict: PyDict) => boolean): string[] {
  const out: string[] = [];
  walkValues(root, '', (v, path) => {
    if (v instanceof PyDict && accept(v)) out.push(path);
  });
  return out;
}

/** The distinct tensors (by identity) among the occurrences, in first-seen order. */
export function distinctTensors(occurrences: readonly TensorOccurrence[]): Array<PyOpaque<TensorRef>> {
  return [...new Set(occurrences.map((o) => o.tensor))];
}
