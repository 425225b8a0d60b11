// torch's dtypes as checkpoints name them: the storage classes pickles refer to
// (`torch.FloatStorage`), the dtype globals (`torch.float32`) and each element's size.

export interface DType {
  /** torch's name without `torch.`. */
  name: string;
  itemsize: number;
  /** The legacy typed-storage class (`FloatStorage`), when the dtype has one. */
  storageClass?: string;
}

const table: DType[] = [
  { name: 'float64', itemsize: 8, storageClass: 'DoubleStorage' },
  { name: 'float32', itemsize: 4, storageClass: 'FloatStorage' },
  { name: 'float16', itemsize: 2, storageClass: 'HalfStorage' },
  { name: 'bfloat16', itemsize: 2, storageClass: 'BFloat16Storage' },
  { name: 'complex32', itemsize: 4, storageClass: 'ComplexHalfStorage' },
  { name: 'complex64', itemsize: 8, storageClass: 'ComplexFloatStorage' },
  { name: 'complex128', itemsize: 16, storageClass: 'ComplexDoubleStorage' },
  { name: 'uint8', itemsize: 1, storageClass: 'ByteStorage' },
  { name: 'int8', itemsize: 1, storageClass: 'CharStorage' },
  { name: 'int16', itemsize: 2, storageClass: 'ShortStorage' },
  { name: 'int32', itemsize: 4, storageClass: 'IntStorage' },
  { name: 'int64', itemsize: 8, storageClass: 'LongStorage' },
  { name: 'bool', itemsize: 1, storageClass: 'BoolStorage' },
  { name: 'qint8', itemsize: 1, storageClass: 'QInt8Storage' },
  { name: 'quint8', itemsize: 1, storageClass: 'QUInt8Storage' },
  { name: 'qint32', itemsize: 4, storageClass: 'QInt32Storage' },
  { name: 'quint4x2', itemsize: 1, storageClass: 'QUInt4x2Storage' },
  { name: 'quint2x4', itemsize: 1, storageClass: 'QUInt2x4Storage' },
  { name: 'uint16', itemsize: 2 },
  { name: 'uint32', itemsize: 4 },
  { name: 'uint64', itemsize: 8 },
  { name: 'float8_e4m3fn', itemsize: 1 },
  { name: 'float8_e5m2', itemsize: 1 },
  { name: 'float8_e4m3fnuz', itemsize: 1 },
  { name: 'float8_e5m2fnuz', itemsize: 1 },
];

const byName = new Map(table.map((d) => [d.name, d]));
const byStorageClass = new Map(table.filter((d) => d.storageClass).map((d) => [d.storageClass as string, d]));

/** Aliases torch also exposes as module attributes (`torch.float` is float32, `torch.half`...). */
const aliases: Record<string, string> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  cfloat: 'complex64',
  cdouble: 'complex128',
  chalf: 'complex32',
  short: 'int16',
  int: 'int32',
  long: 'int64',
};

/** The dtype named `name` (`float32`, or an alias such as `half`), if torch has it. */
export function dtypeByName(name: string): DType | undefined {
  return byName.get(aliases[name] ?? name);
}

/** The dtype of a typed-storage class name (`FloatStorage` → float32). */
export function dtypeByStorageClass(className: string): DType | undefined {
  return byStorageClass.get(className);
}

/** The byte that stands in for "untyped": `torch.UntypedStorage` counts bytes. */
export const UNTYPED_STORAGE = 'UntypedStorage';
export const uint8 = byName.get('uint8') as DType;

/** Element size for byte swapping: complex numbers swap each half on its own. */
export function swapUnit(dtype: DType): number {
  return dtype.name.startsWith('complex') ? dtype.itemsize / 2 : dtype.itemsize;
}
