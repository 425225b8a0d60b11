// The torch globals a checkpoint's pickle may name, each rebuilt as inert data: tensors become
// TensorRef descriptions, storage classes and dtypes become constants. Nothing here touches the
// tensor bytes, and anything not listed stays an inert placeholder (see the unpickler).
import { CorruptError } from '../errors';
import { PyGlobal, PyObject, PyOpaque, PyTuple } from '../values/pyValue';
import type { PyValue, Reconstruction } from '../values/pyValue';
import type { DType } from './dtypes';
import { dtypeByName, dtypeByStorageClass, UNTYPED_STORAGE, uint8 } from './dtypes';
import type { StorageRef, TensorRef } from './tensorRef';

/** What a storage class global (`torch.FloatStorage`) stands for: its dtype, or untyped bytes. */
export interface StorageType {
  dtype: DType;
  untyped: boolean;
}

export const isTensor = (v: unknown): v is PyOpaque<TensorRef> => v instanceof PyOpaque && v.kind === 'tensor';
export const isStorage = (v: unknown): v is PyOpaque<StorageRef> => v instanceof PyOpaque && v.kind === 'storage';

/** The constant a torch global stands for (`torch.float32`, `torch.FloatStorage`), as the pickle holds it. */
function constantOf(v: unknown, kind: string): PyOpaque | undefined {
  const value = v instanceof PyGlobal ? table.get(v.qualifiedName)?.value : v;
  return value instanceof PyOpaque && value.kind === kind ? value : undefined;
}

export const storageTypeOf = (v: unknown): StorageType | undefined => constantOf(v, 'storage-type')?.payload as StorageType | undefined;
export const dtypeOf = (v: unknown): DType | undefined => constantOf(v, 'dtype')?.payload as DType | undefined;

/** The reconstruction a global names, when it is one of torch's rebuild functions. */
function rebuildOf(v: unknown): Reconstruction | undefined {
  return v instanceof PyGlobal ? table.get(v.qualifiedName) : undefined;
}

/** Made once: a BigInt per comparison was a third of the cost of rebuilding a small tensor. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

function int(v: PyValue | undefined, what: string): number {
  if (typeof v === 'bigint') {
    if (v > MAX_SAFE || v < MIN_SAFE) throw new CorruptError(`${what} is out of range.`);
    return Number(v);
  }
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new CorruptError(`${what} is not an integer.`);
}

function intList(v: PyValue | undefined, what: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (!items) throw new CorruptError(`${what} is not a tuple of integers.`);
  const out = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    const n = int(items[i], what);
    if (n < 0) throw new CorruptError(`${what} has a negative entry.`);
    out[i] = n;
  }
  return out;
}

function storageArg(v: PyValue | undefined): StorageRef {
  if (!isStorage(v)) throw new CorruptError('a tensor refers to something that is not a storage.');
  return v.payload;
}

function tensor(storage: StorageRef, args: PyValue[], dtype: DType = storage.dtype): PyOpaque<TensorRef> {
  const shape = intList(args[2], 'a tensor shape');
  const stride = intList(args[3], 'a tensor stride');
  if (stride.length !== shape.length) throw new CorruptError('a tensor has a stride of another rank than its shape.');
  const storageOffset = int(args[1], 'a storage offset');
  // Found by the fuzz suite: a negative offset sent a read before the record's start.
  if (storageOffset < 0) throw new CorruptError(`a tensor starts at storage offset ${storageOffset}, before its storage.`);
  const ref: TensorRef = {
    dtype,
    shape,
    stride,
    storageOffset,
    storage,
    requiresGrad: args[4] === true,
    parameter: false,
  };
  return new PyOpaque('tensor', ref);
}

function callable(qualifiedName: string, call: (args: PyValue[]) => PyValue): Reconstruction {
  return { qualifiedName, call };
}

function constant(qualifiedName: string, value: PyValue): Reconstruction {
  return {
    qualifiedName,
    value,
    call: () => {
      throw new CorruptError(`${qualifiedName} is called as a function.`);
    },
  };
}

function asParameter(v: PyValue | undefined, requiresGrad: PyValue | undefined): PyValue {
  if (!isTensor(v)) throw new CorruptError('a Parameter wraps something that is not a tensor.');
  return new PyOpaque('tensor', { ...v.payload, parameter: true, requiresGrad: requiresGrad === true });
}

const rebuilds: Reconstruction[] = [
  callable('torch._utils._rebuild_tensor', (a) => tensor(storageArg(a[0]), [a[0], a[1], a[2], a[3], false])),
  callable('torch._utils._rebuild_tensor_v2', (a) => tensor(storageArg(a[0]), a)),
  callable('torch._utils._rebuild_tensor_v3', (a) => {
    const dtype = dtypeOf(a[6]);
    if (!dtype) throw new CorruptError('_rebuild_tensor_v3 without a dtype.');
    return tensor(storageArg(a[0]), a, dtype);
  }),
  callable('torch._utils._rebuild_parameter', (a) => asParameter(a[0], a[1])),
  callable('torch._utils._rebuild_parameter_with_state', (a) => asParameter(a[0], a[1])),
  callable('torch._tensor._rebuild_from_type_v2', (a) => {
    // (func, type, args, state): a tensor subclass; rebuild the plain tensor with func(*args).
    const [func, type, args] = a;
    const items = args instanceof PyTuple ? args.items : [];
    const rebuild = rebuildOf(func);
    if (rebuild && rebuild.value === undefined) return rebuild.call(items);
    const cls = type instanceof PyGlobal ? type : new PyGlobal('torch._tensor', '_rebuild_from_type_v2');
    return new PyObject(cls, a, 'reduce');
  }),
  callable('torch.Size', (a) => (a[0] instanceof PyTuple ? a[0] : new PyTuple(Array.isArray(a[0]) ? a[0] : []))),
  callable('torch.device', (a) => new PyOpaque('device', a.filter((x) => x != null).map(String).join(':'))),
];

function storageTypes(): Reconstruction[] {
  const names = [
    'DoubleStorage', 'FloatStorage', 'HalfStorage', 'BFloat16Storage', 'ComplexHalfStorage', 'ComplexFloatStorage',
    'ComplexDoubleStorage', 'ByteStorage', 'CharStorage', 'ShortStorage', 'IntStorage', 'LongStorage', 'BoolStorage',
    'QInt8Storage', 'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage',
  ];
  const typed = names.map((n) => {
    const dtype = dtypeByStorageClass(n) as DType;
    return constant(`torch.${n}`, new PyOpaque<StorageType>('storage-type', { dtype, untyped: false }));
  });
  const untyped = new PyOpaque<StorageType>('storage-type', { dtype: uint8, untyped: true });
  return [...typed, constant(`torch.${UNTYPED_STORAGE}`, untyped), constant(`torch.storage.${UNTYPED_STORAGE}`, untyped)];
}

function dtypeConstants(): Reconstruction[] {
  const names = [
    'float64', 'float32', 'float16', 'bfloat16', 'complex32', 'complex64', 'complex128', 'uint8', 'int8', 'int16',
    'int32', 'int64', 'bool', 'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'uint16', 'uint32', 'uint64',
    'float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz',
    'float', 'double', 'half', 'cfloat', 'cdouble', 'chalf', 'short', 'int', 'long',
  ];
  return names.map((n) => constant(`torch.${n}`, new PyOpaque('dtype', dtypeByName(n) as DType)));
}

const table = new Map<string, Reconstruction>([...rebuilds, ...storageTypes(), ...dtypeConstants()].map((r) => [r.qualifiedName, r]));

/** The torch reconstruction for `module.name`, or undefined. */
export function resolveTorchGlobal(module: string, name: string): Reconstruction | undefined {
  return table.get(`${module}.${name}`);
}

/** Every `module.name` this table rebuilds: the torch part of the security allowlist. */
export const torchGlobals: ReadonlySet<string> = new Set(table.keys());
