// The Python values an unpickled checkpoint can hold, kept apart as Python keeps them:
// int (bigint, any size) vs float (number), tuple vs list, bytes vs str, dicts with keys of any
// type in insertion order, sets. Nothing here can run code: unknown callables and classes become
// inert placeholders that only remember their `module.name`.
import type { CallLog } from './callLog';

export type PyValue =
  | null // None
  | boolean
  | bigint // int, any size
  | number // float (NaN and infinities included)
  | string
  | Uint8Array // bytes
  | PyValue[] // list
  | PyTuple
  | PyDict
  | PySet
  | PyByteArray
  | PyComplex
  | PyGlobal
  | PyObject
  | PyOpaque;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** dict, OrderedDict, defaultdict, Counter...: `className` says which (`builtins.dict` for a plain dict). */
export class PyDict {
  /**
   * Made on first use: a torch checkpoint pickles an empty OrderedDict of hooks for every tensor,
   * and most of those never get a key (an empty Map costs about ten times the dict).
   */
  private items: Map<PyValue, PyValue> | undefined = undefined;
  /** State given by BUILD (an OrderedDict's `__dict__`, e.g. a state dict's `_metadata`). */
  state: PyValue | undefined = undefined;
  constructor(readonly className = 'builtins.dict') {}
  /** The items, in insertion order. */
  get map(): Map<PyValue, PyValue> {
    return (this.items ??= new Map());
  }
  get(key: PyValue): PyValue | undefined {
    return this.items?.get(key);
  }
  set(key: PyValue, value: PyValue): void {
    this.map.set(key, value);
  }
  get size(): number {
    return this.items === undefined ? 0 : this.items.size;
  }
  entries(): IterableIterator<[PyValue, PyValue]> {
    return this.map.entries();
  }
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen = false,
  ) {}
}

export class PyByteArray {
  constructor(readonly bytes: Uint8Array) {}
}

export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

/** A reference to `module.name` that is not a known, inert reconstruction. Never called. */
export class PyGlobal {
  /** `module.name`, joined once: readers look globals up by it for every tensor. */
  readonly qualifiedName: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.qualifiedName = `${module}.${name}`;
  }
}

/**
 * What an unknown class or callable would have built: `cls(*args)` (REDUCE or NEWOBJ) and then
 * `__setstate__(state)` (BUILD). Recorded, never executed.
 */
export class PyObject {
  state: PyValue | undefined = undefined;
  /** Items appended (APPEND/APPENDS) or set (SETITEM/SETITEMS) on the object. */
  readonly listItems: PyValue[] = [];
  readonly dictItems: Array<[PyValue, PyValue]> = [];
  /** NEWOBJ_EX keyword arguments, when there were any. */
  kwargs: PyDict | undefined = undefined;
  /**
   * The called value when it was not a global (e.g. `getattr(...)(...)`, the result of another
   * call); `cls` is then the placeholder `<dynamic>.call`.
   */
  callee: PyValue | undefined = undefined;
  constructor(
    readonly cls: PyGlobal,
    readonly args: PyValue[],
    readonly kind: 'reduce' | 'newobj',
  ) {}
}

/**
 * A value built by a known reconstruction that is not a plain Python value: tensors, storages,
 * dtypes, devices, torch.Size... The torch layer defines the payloads; the unpickler only carries
 * them. `kind` names the payload type (for example `tensor`, `storage`, `dtype`).
 */
export class PyOpaque<T = unknown> {
  constructor(
    readonly kind: string,
    readonly payload: T,
  ) {}
}

/**
 * A known, inert reconstruction that the unpickler may call in place of a global: a pure function
 * of its arguments that builds data and never has side effects.
 */
export interface Reconstruction {
  readonly qualifiedName: string;
  /**
   * For a global that is a constant rather than a callable (`torch.float32`, `torch.FloatStorage`):
   * the value it stands for. The pickle keeps the PyGlobal; readers look the constant up.
   */
  readonly value?: PyValue;
  /** REDUCE (`f(*args)`) and NEWOBJ (`cls.__new__(cls, *args)`). */
  call(args: PyValue[]): PyValue;
  /** BUILD on a value this reconstruction made; default: ignore the state. */
  build?(target: PyValue, state: PyValue): PyValue;
}

export interface UnpickleHooks {
  /**
   * The reconstruction for `module.name`, or undefined to make it an inert PyGlobal placeholder.
   * Called once per GLOBAL/STACK_GLOBAL opcode.
   */
  resolveGlobal(module: string, name: string): Reconstruction | undefined;
  /** PERSID/BINPERSID. Without it a persistent id is an error (a corrupt or unsupported pickle). */
  persistentLoad?(pid: PyValue): PyValue;
}

export interface UnpickleResult {
  value: PyValue;
  /** Offset just past the STOP opcode, relative to the start of the input array. */
  end: number;
  /** Every `module.name` the pickle named through GLOBAL/STACK_GLOBAL/INST/OBJ, in first-seen order, each once. */
  globals: string[];
  /** The calls recorded instead of made, in order, even those whose result the pickle discarded (see CallLog). */
  calls: CallLog;
}

export function isInt(v: PyValue | undefined): v is bigint {
  return typeof v === 'bigint';
}

/** A str key lookup on a dict-like value; undefined when `v` is not a dict or lacks the key. */
export function dictGet(v: PyValue | undefined, key: string): PyValue | undefined {
  return v instanceof PyDict ? v.get(key) : undefined;
}
