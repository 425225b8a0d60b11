// Nested values (configs, model_args, loop state, scheduler state, sidecar JSON) as a tree a
// person can open level by level. Bounded, since a pickle can hold millions of values and the tree
// travels to the webview as JSON: a few levels, a few dozen children per container, a node budget
// per report, and a `more` count wherever something was left out. A container that holds only
// tensors (a state dict, an optimizer's state) is not opened: its tensors are in the tensor table.
import { pyRepr } from '../pickle/pyRepr';
import type { ReprLimits } from '../pickle/pyRepr';
import { PyDict, PyObject, PySet, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { keyToString } from '../torch/tensorWalk';
import { isTensor } from '../torch/torchReconstructions';
import { shortValue, typeLabel } from './pyJson';
import type { ValueNode } from './report';
import type { JsonValue } from '../json';

export const MAX_TREE_DEPTH = 6;
export const MAX_TREE_CHILDREN = 50;
/** Nodes per report, shared by every tree in it. */
export const MAX_TREE_NODES = 2000;
/**
 * Values looked at, per report, to decide whether containers hold only tensors. A state dict of a
 * few hundred thousand tensors fits; a hostile pickle that shares containers cannot make it more.
 */
const MAX_TENSOR_SCAN = 2_000_000;
/** A list or tuple of at most this many scalars (`betas`, a shape) is one value, not a subtree. */
const MAX_INLINE_ITEMS = 16;
const INLINE_LIMITS: ReprLimits = { maxString: 40, maxItems: MAX_INLINE_ITEMS, maxDepth: 1 };
const SCALAR_LIMITS: ReprLimits = { maxString: 80, maxItems: 0, maxDepth: 0 };

/** What is left of the node budget and of the scan for tensor containers; one per report. */
export interface TreeBudget {
  left: number;
  scans: number;
}

export function treeBudget(nodes = MAX_TREE_NODES): TreeBudget {
  return { left: nodes, scans: MAX_TENSOR_SCAN };
}

/** The first `limit` entries of a container and how many it has. */
interface Entries<V> {
  entries: Array<[string, V]>;
  total: number;
}

interface Adapter<V> {
  entries(v: V, limit: number): Entries<V> | undefined;
  type(v: V): string;
  /** A scalar's rendering, or a short sequence of scalars' (then it has no entries). */
  value(v: V): string | undefined;
  /** Tensors in `v` when it is a container of tensors only, else undefined. */
  tensorsOnly(v: V): number | undefined;
}

function build<V>(adapter: Adapter<V>, { entries, total }: Entries<V>, depth: number, budget: TreeBudget, labels?: ReadonlyMap<string, string>): { nodes: ValueNode[]; more: number } {
  const nodes: ValueNode[] = [];
  for (const [key, v] of entries) {
    if (nodes.length >= MAX_TREE_CHILDREN || budget.left <= 0) break;
    budget.left--;
    const label = labels?.get(key);
    const node: ValueNode = { key: label ?? key, type: adapter.type(v) };
    if (label !== undefined) node.fullKey = key;
    const value = adapter.value(v);
    const tensors = value === undefined ? adapter.tensorsOnly(v) : undefined;
    const kids = tensors === undefined && value === undefined ? adapter.entries(v, MAX_TREE_CHILDREN) : undefined;
    if (value !== undefined) {
      node.value = value;
    } else if (tensors !== undefined) {
      node.tensors = tensors;
    } else if (kids && depth < MAX_TREE_DEPTH) {
      const sub = build(adapter, kids, depth + 1, budget);
      node.children = sub.nodes;
      if (sub.more > 0) node.more = sub.more;
    } else if (kids) {
      node.more = kids.total;
    }
    nodes.push(node);
  }
  return { nodes, more: total - nodes.length };
}

function firstEntries<T>(items: Iterable<T>, limit: number, entry: (item: T, index: number) => [string, PyValue]): Array<[string, PyValue]> {
  const out: Array<[string, PyValue]> = [];
  for (const item of items) {
    if (out.length >= limit) break;
    out.push(entry(item, out.length));
  }
  return out;
}

const indexed = (x: PyValue, i: number): [string, PyValue] => [String(i), x];
/** Keys as paths spell them; other keys (bytes in a tokenizer's merges) as Python prints them. */
const keyed = ([k, x]: [PyValue, PyValue]): [string, PyValue] => [typeof k === 'string' || typeof k === 'bigint' ? keyToString(k) : pyRepr(k, INLINE_LIMITS), x];

/** A container's first entries: a dict's items, a sequence's or set's items, an object's attributes (its BUILD state). */
export function pyEntries(v: PyValue, limit: number): Entries<PyValue> | undefined {
  if (v instanceof PyDict) return { entries: firstEntries(v.entries(), limit, keyed), total: v.size };
  if (Array.isArray(v)) return { entries: firstEntries(v, limit, indexed), total: v.length };
  if (v instanceof PyTuple || v instanceof PySet) return { entries: firstEntries(v.items, limit, indexed), total: v.items.length };
  if (!(v instanceof PyObject)) return undefined;
  const parts = v.state instanceof PyDict ? [v.state] : v.state instanceof PyTuple ? v.state.items.filter((p): p is PyDict => p instanceof PyDict) : [];
  const entries: Array<[string, PyValue]> = [];
  let total = 0;
  for (const part of parts) {
    entries.push(...firstEntries(part.entries(), limit - entries.length, keyed));
    total += part.size;
  }
  entries.push(...firstEntries(v.dictItems, limit - entries.length, keyed));
  entries.push(...firstEntries(v.listItems, limit - entries.length, (x, i) => indexed(x, i)));
  return { entries, total: total + v.dictItems.length + v.listItems.length };
}

/** How many entries pyEntries would list for `v`, without listing them; undefined for a non-container. */
function entryCount(v: PyValue): number | undefined {
  if (v instanceof PyDict) return v.size;
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple || v instanceof PySet) return v.items.length;
  if (!(v instanceof PyObject)) return undefined;
  let total = v.dictItems.length + v.listItems.length;
  if (v.state instanceof PyDict) total += v.state.size;
  else if (v.state instanceof PyTuple) for (const p of v.state.items) if (p instanceof PyDict) total += p.size;
  return total;
}

/** Pushes the values pyEntries would list for `v`, in its order. */
function pushEntryValues(v: PyValue, stack: PyValue[]): void {
  if (Array.isArray(v)) pushAll(stack, v);
  else if (v instanceof PyTuple || v instanceof PySet) pushAll(stack, v.items);
  else if (v instanceof PyDict) v.map.forEach((x) => stack.push(x));
  else if (v instanceof PyObject) {
    const parts = v.state instanceof PyDict ? [v.state] : v.state instanceof PyTuple ? v.state.items.filter((p): p is PyDict => p instanceof PyDict) : [];
    for (const part of parts) part.map.forEach((x) => stack.push(x));
    for (const [, x] of v.dictItems) stack.push(x);
    pushAll(stack, v.listItems);
  }
}

function pushAll(stack: PyValue[], items: readonly PyValue[]): void {
  for (let i = 0; i < items.length; i++) stack.push(items[i]);
}

/** The number of tensors under `v` if every leaf under it is a tensor (and there is one), else undefined. */
function countTensorsOnly(v: PyValue, memo: WeakMap<object, number | null>, budget: TreeBudget): number | undefined {
  if (isTensor(v)) return 1;
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return undefined;
  const known = memo.get(v);
  if (known !== undefined) return known ?? undefined;
  let tensors = 0;
  const stack: PyValue[] = [v];
  const seen = new Set<object>();
  let pure = true;
  while (stack.length > 0 && pure) {
    const x = stack.pop() as PyValue;
    // Out of budget: say "not only tensors", which only means the container is opened.
    if (--budget.scans < 0) pure = false;
    else if (isTensor(x)) tensors++;
    else if (typeof x !== 'object' || x === null || x instanceof Uint8Array) pure = false;
    else if (!seen.has(x)) {
      seen.add(x);
      // Sized first, so a container too big for what is left of the budget is not even listed.
      const size = entryCount(x);
      // An object with no state is a leaf, and so is anything that is not a container.
      if (size === undefined || size > budget.scans || (x instanceof PyObject && size === 0)) pure = false;
      else pushEntryValues(x, stack);
    }
  }
  const result = pure && tensors > 0 ? tensors : null;
  memo.set(v, result);
  return result ?? undefined;
}

const isPyScalar = (v: PyValue): boolean => v === null || typeof v !== 'object' || v instanceof Uint8Array;

/** A value's text when it is shown as one value: a scalar, a short sequence of scalars, an object without state. */
export function pyValueText(v: PyValue): string | undefined {
  const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : undefined;
  if (items) return items.length > 0 && items.length <= MAX_INLINE_ITEMS && items.every(isPyScalar) ? pyRepr(v, INLINE_LIMITS) : undefined;
  if (v instanceof PyObject && pyEntries(v, 0)?.total === 0) return `<${v.cls.qualifiedName}>`;
  // Text as Python prints it: quotes chosen as Python does, control characters escaped.
  if (typeof v === 'string' || v instanceof Uint8Array) return pyRepr(v, SCALAR_LIMITS);
  return shortValue(v);
}

function pyAdapter(budget: TreeBudget): Adapter<PyValue> {
  const memo = new WeakMap<object, number | null>();
  return {
    entries: pyEntries,
    type: (v) => typeLabel(v),
    value: pyValueText,
    tensorsOnly: (v) => countTensorsOnly(v, memo, budget),
  };
}

function jsonType(v: JsonValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return `list[${v.length}]`;
  if (typeof v === 'object') return `dict[${Object.keys(v).length}]`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'string' ? 'str' : 'bool';
}

function jsonEntries(v: JsonValue, limit: number): Entries<JsonValue> | undefined {
  if (Array.isArray(v)) return { entries: v.slice(0, limit).map((x, i): [string, JsonValue] => [String(i), x]), total: v.length };
  if (v === null || typeof v !== 'object') return undefined;
  const keys = Object.keys(v);
  return { entries: keys.slice(0, limit).map((k): [string, JsonValue] => [k, v[k]]), total: keys.length };
}

function jsonScalarText(v: JsonValue): string | undefined {
  if (v === null) return 'None';
  if (typeof v === 'string') return `'${v.length > 80 ? `${v.slice(0, 79)}…` : v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'number' ? String(v) : undefined;
}

function jsonValueText(v: JsonValue): string | undefined {
  if (!Array.isArray(v)) return jsonScalarText(v);
  const items = v.map(jsonScalarText);
  return v.length > 0 && v.length <= MAX_INLINE_ITEMS && items.every((x) => x !== undefined) ? `[${items.join(', ')}]` : undefined;
}

const jsonAdapter: Adapter<JsonValue> = {
  entries: jsonEntries,
  type: jsonType,
  value: jsonValueText,
  tensorsOnly: () => undefined,
};

/** The tree of a container's entries (a dict's items, a list's items, an object's attributes). */
export function valueTree(v: PyValue, budget: TreeBudget, labels?: ReadonlyMap<string, string>): { nodes: ValueNode[]; more: number } | undefined {
  const adapter = pyAdapter(budget);
  if (adapter.value(v) !== undefined || adapter.tensorsOnly(v) !== undefined) return undefined;
  const entries = adapter.entries(v, MAX_TREE_CHILDREN);
  return entries && build(adapter, entries, 1, budget, labels);
}

/** The same for parsed JSON (a sidecar). */
export function jsonTree(v: JsonValue, budget: TreeBudget): { nodes: ValueNode[]; more: number } | undefined {
  const entries = jsonAdapter.entries(v, MAX_TREE_CHILDREN);
  return entries ? build(jsonAdapter, entries, 1, budget) : undefined;
}
