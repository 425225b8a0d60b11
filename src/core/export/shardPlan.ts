// Sharded safetensors as Hugging Face writes them: tensors in name order, filled into shards of
// at most `maxShardBytes` (a tensor bigger than that gets a shard of its own), named
// model-00001-of-0000N.safetensors, with model.safetensors.index.json mapping every name
// written to its shard (tied names are not written; each shard's metadata notes them). A model that fits in one shard is one model.safetensors.
import type { PlannedTensor } from './exportPlan';
import { byName } from './safetensorsWriter';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface Shard {
  file: string;
  tensors: PlannedTensor[];
}

/** "5GB" (decimal, as Hugging Face reads it), "500MiB", "1e9" → bytes; undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'B').toUpperCase();
  const scale: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };
  const bytes = Math.floor(Number(m[1]) * scale[unit]!);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

export function planShards(tensors: readonly PlannedTensor[], maxShardBytes: number): Shard[] {
  const groups: PlannedTensor[][] = [];
  let current: PlannedTensor[] = [];
  let size = 0;
  for (const t of byName(tensors)) {
    if (current.length && size + t.nbytes > maxShardBytes) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(t);
    size += t.nbytes;
  }
  if (current.length || !groups.length) groups.push(current);
  if (groups.length === 1) return [{ file: SINGLE_FILE, tensors: groups[0]! }];
  const n = String(groups.length).padStart(5, '0');
  return groups.map((g, i) => ({ file: `model-${String(i + 1).padStart(5, '0')}-of-${n}.safetensors`, tensors: g }));
}

/** The index file's text: metadata.total_size (bytes of tensor data) and weight_map, names sorted. */
export function shardIndex(shards: readonly Shard[]): string {
  const where = new Map<string, string>();
  for (const s of shards) for (const t of s.tensors) where.set(t.name, s.file);
  const names = [...where.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const total = shards.reduce((n, s) => n + s.tensors.reduce((m, t) => m + t.nbytes, 0), 0);
  return `${JSON.stringify({ metadata: { total_size: total }, weight_map: Object.fromEntries(names.map((k) => [k, where.get(k)!])) }, null, 2)}\n`;
}
