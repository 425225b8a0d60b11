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

/**
 * A container's children as the walk takes them: keys (str, or already path segments) beside
 * values, or undefined keys for a sequence (its indices). Undefined for values that are not
 * containers. One pair of arrays per container, no array per entry.
 */
interface Children {
  keys: PyValue[] | undefined;
  values: PyValue[];
}

function dictChildren(d: PyDict, keys: PyValue[], values: PyValue[]): void {
  d.map.forEach((x, k) => {
    keys.push(k);
    values.push(x);
  });
}

function childrenOf(v: object): Children | undefined {
  if (Array.isArray(v)) return { keys: undefined, values: v };
  if (v instanceof PyTuple) return { keys: undefined, values: v.items };
  if (v instanceof PyDict) {
    const keys: PyValue[] = [];
    const values: PyValue[] = [];
    dictChildren(v, keys, values);
    return { keys, values };
  }
  if (v instanceof PyObject) {
    // An unknown object's attributes (TorchScript modules, Namespaces): its BUILD state.
    const keys: PyValue[] = [];
    const values: PyValue[] = [];
    if (v.state instanceof PyDict) dictChildren(v.state, keys, values);
    else if (v.state instanceof PyTuple) {
      for (const part of v.state.items) if (part instanceof PyDict) dictChildren(part, keys, values);
    }
    for (const [k, x] of v.dictItems) {
      keys.push(k);
      values.push(x);
    }
    v.listItems.forEach((x, i) => {
      keys.push(String(i));
      values.push(x);
    });
    return { keys, values };
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

interface Frame extends Children {
  container: object;
  /** The container's path and a dot (nothing at the root): one concatenation per child. */
  prefix: string;
  next: number;
}

/**
 * Visits every container, tensor or other object under `root` depth first, in container order,
 * with its path; scalars count as visits but are not passed on (no walk needs them). Cycles are
 * cut. Iterative, so a deeply nested pickle cannot overflow the call stack; a child's path is
 * built only when the child is an object. Without `withPaths` every value gets '', and `pathHere`
 * (valid during the visit) builds the visited value's path from the open frames, for a walk that
 * needs the paths of a few values only.
 */
function walkValues(
  root: PyValue,
  prefix: string,
  visit: (v: object, path: string, pathHere: () => string) => void,
  withPaths = true,
  rootChild?: (index: number) => void,
): void {
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  let visits = 0;
  // The path the walk with paths would have given: each open frame's child being walked, joined.
  const pathHere = (): string => {
    let path = prefix;
    for (const frame of stack) {
      const i = frame.next - 1;
      path = (path === '' ? '' : `${path}.`) + (frame.keys ? keyToString(frame.keys[i]) : String(i));
    }
    return path;
  };
  const count = (): void => {
    if (++visits > MAX_WALK_VISITS) throw new CorruptError('its object graph shares containers so often that walking it would never end (a hostile or broken pickle).');
  };
  const enter = (v: object, path: string): void => {
    visit(v, path, pathHere);
    // Containers only are looked up on the path: a tensor needs no identity hash.
    const kids = childrenOf(v);
    if (!kids || onPath.has(v)) return;
    onPath.add(v);
    stack.push({ container: v, prefix: path === '' || !withPaths ? '' : `${path}.`, keys: kids.keys, values: kids.values, next: 0 });
  };
  count();
  if (typeof root === 'object' && root !== null) enter(root, prefix);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.values.length) {
      onPath.delete(frame.container);
      stack.pop();
      continue;
    }
    const i = frame.next++;
    const x = frame.values[i];
    if (rootChild !== undefined && stack.length === 1) rootChild(i);
    count();
    if (typeof x !== 'object' || x === null) continue;
    // Without paths, every value gets '' (the walk itself never reads them).
    if (!withPaths) enter(x, '');
    else enter(x, frame.prefix + (frame.keys ? keyToString(frame.keys[i]) : String(i)));
  }
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

/** One walk from a checkpoint's root, with what its report's counts would otherwise walk again for. */
export interface RootWalk {
  /** What walkTensors(root) gives. */
  occurrences: TensorOccurrence[];
  /** What findDicts(root, accept) gives, for the `accept` the walk was given. */
  dicts: string[];
  /**
   * When the root is a dict the walk never came back to: where each of its entries' occurrences
   * start, in its order, and one more for the end. Entry i's occurrences are then what
   * eachTensorUnder(its value) hands over. Undefined for any other root.
   */
  entryStarts: number[] | undefined;
}

/** walkTensors(root) and findDicts(root, accept) in one walk, with where the root's entries start. */
export function walkRoot(root: PyValue, accept: (dict: PyDict) => boolean): RootWalk {
  const occurrences: TensorOccurrence[] = [];
  const dicts: string[] = [];
  const starts: number[] = [];
  let rootVisits = 0;
  walkValues(
    root,
    '',
    (v, path) => {
      if (v === root) rootVisits++;
      if (isTensor(v)) {
        if (occurrences.length >= MAX_OCCURRENCES) throw new CorruptError(`it names more than ${MAX_OCCURRENCES} tensors (a hostile or broken pickle).`);
        occurrences.push({ path, tensor: v });
      } else if (v instanceof PyDict && accept(v)) dicts.push(path);
    },
    true,
    (i) => {
      starts[i] = occurrences.length;
    },
  );
  // (A walk that met the root again below it cut there; a walk from one entry would not have.)
  const entryStarts = root instanceof PyDict && rootVisits === 1 ? [...starts, occurrences.length] : undefined;
  return { occurrences, dicts, entryStarts };
}

/**
 * The tensors walkTensors finds under `root`, in its order, without their paths: for counts,
 * which need no path (the walk goes the same way whatever the paths are).
 */
export function tensorsUnder(root: PyValue): Array<PyOpaque<TensorRef>> {
  const out: Array<PyOpaque<TensorRef>> = [];
  eachTensorUnder(root, (t) => out.push(t));
  return out;
}

/** tensorsUnder's tensors handed to `take` one by one, in the same order, with no array of them. */
export function eachTensorUnder(root: PyValue, take: (tensor: PyOpaque<TensorRef>) => void): void {
  let found = 0;
  walkValues(
    root,
    '',
    (v) => {
      if (!isTensor(v)) return;
      if (found++ >= MAX_OCCURRENCES) throw new CorruptError(`it names more than ${MAX_OCCURRENCES} tensors (a hostile or broken pickle).`);
      take(v);
    },
    false,
  );
}

/**
 * Paths of the dicts under `root` that `accept` takes, in walk order. Only their paths are built
 * (a walk with paths made one for each of a checkpoint's 60,000 tensors, to find one dict).
 */
export function findDicts(root: PyValue, accept: (dict: PyDict) => boolean): string[] {
  const out: string[] = [];
  walkValues(
    root,
    '',
    (v, _path, pathHere) => {
      if (v instanceof PyDict && accept(v)) out.push(pathHere());
    },
    false,
  );
  return out;
}

/** The distinct tensors (by identity) among the occurrences, in first-seen order. */
export function distinctTensors(occurrences: readonly TensorOccurrence[]): Array<PyOpaque<TensorRef>> {
  return [...new Set(occurrences.map((o) => o.tensor))];
}
