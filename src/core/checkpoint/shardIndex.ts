// Hugging Face's index of a sharded checkpoint, as `save_pretrained` writes it beside the shards:
// `model.safetensors.index.json` or `pytorch_model.bin.index.json`, holding `metadata.total_size`
// and `weight_map` (tensor name → shard file name). Only the parsing and its checks live here;
// shardedCheckpoint.ts opens the shards.
import { NotCheckpointError } from '../errors';

export const INDEX_SUFFIXES = ['.safetensors.index.json', '.bin.index.json', '.pt.index.json'];

/** Whether a file name is a sharded set's index. */
export function isShardIndexName(name: string): boolean {
  const lower = name.toLowerCase();
  return INDEX_SUFFIXES.some((s) => lower.endsWith(s));
}

export interface ShardIndex {
  /** Shard file names, in first-mentioned order. */
  shards: string[];
  /** Tensor name → its shard's file name. */
  weightMap: Map<string, string>;
  /** `metadata.total_size`, when given. */
  totalSize?: number;
}

/** Parses an index's text; throws NotCheckpointError naming `file` when it is not one. */
export function parseShardIndex(text: string, file: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NotCheckpointError(`${file} is not valid JSON, so it is not a shard index.`);
  }
  const map = (json as { weight_map?: unknown })?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new NotCheckpointError(`${file} has no "weight_map": it is not a shard index.`);
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '' || shard.includes('/') || shard.includes('\\') || shard === '..') {
      throw new NotCheckpointError(`${file} maps "${name}" to ${JSON.stringify(shard)}, which is not a file name beside the index.`);
    }
    weightMap.set(name, shard);
    if (!shards.includes(shard)) shards.push(shard);
  }
  const total = (json as { metadata?: { total_size?: unknown } }).metadata?.total_size;
  return { shards, weightMap, ...(typeof total === 'number' && Number.isFinite(total) ? { totalSize: total } : {}) };
}
