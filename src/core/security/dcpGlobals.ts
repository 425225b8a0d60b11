// The classes a torch.distributed.checkpoint `.metadata` pickle names (torch 1.13's
// torch.distributed._shard.checkpoint, torch 2.x's torch.distributed.checkpoint; metadata.py and
// filesystem.py), and the enum whose members it looks up with `getattr`. They are dataclasses
// whose unpickling only sets fields (`__dict__`, or TensorProperties.__setstate__ assigning a
// tuple), so the verdict counts them as inert data. Facts from torch's source, no code.

const METADATA_CLASSES = ['Metadata', 'TensorStorageMetadata', 'ChunkStorageMetadata', 'BytesStorageMetadata', 'MetadataIndex', 'StorageMeta', 'TensorProperties'];
const METADATA_MODULES = ['torch.distributed._shard.checkpoint.metadata', 'torch.distributed.checkpoint.metadata'];
const FILESYSTEM_MODULES = ['torch.distributed._shard.checkpoint.filesystem', 'torch.distributed.checkpoint.filesystem'];
/** Where TensorProperties and its memory-format enum live (1.13: sharded_tensor; 2.x: checkpoint too). */
const PROPERTIES_MODULES = ['torch.distributed._shard.sharded_tensor.metadata', ...METADATA_MODULES];

/** `getattr(MEM_FORMAT_ENCODING, 'TORCH_CONTIGUOUS_FORMAT')` is how pickle writes an Enum member. */
export const DCP_ENUMS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  PROPERTIES_MODULES.map((m) => [`${m}.MEM_FORMAT_ENCODING`, new Set(['TORCH_CONTIGUOUS_FORMAT', 'TORCH_CHANNELS_LAST', 'TORCH_PRESERVE_FORMAT'])]),
);

/** Every global of a DCP `.metadata` besides builtins.getattr: the classes, the enum, torch's layout lookup. */
export const DCP_METADATA_GLOBALS: ReadonlySet<string> = new Set([
  ...METADATA_MODULES.flatMap((m) => METADATA_CLASSES.map((c) => `${m}.${c}`)),
  ...PROPERTIES_MODULES.map((m) => `${m}.TensorProperties`),
  ...FILESYSTEM_MODULES.map((m) => `${m}._StorageInfo`),
  ...DCP_ENUMS.keys(),
  // `_get_layout('torch.strided')`: a lookup in a table of torch's layouts (torch/serialization.py).
  'torch.serialization._get_layout',
]);
