// Which argument names a sharded set: its index file (`model.safetensors.index.json`), or a
// folder holding one index (as `save_pretrained` leaves it). Anything else is one file.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UnsupportedError } from '../errors';
import type { SourceSpec } from '../io/sourceSpec';
import { isShardIndexName } from './shardIndex';

/** The index to open `spec` through, or undefined when it is a single checkpoint file. */
export async function shardIndexOf(spec: SourceSpec): Promise<SourceSpec | undefined> {
  if (spec.kind === 'url') return isShardIndexName(new URL(spec.url).pathname) ? spec : undefined;
  if (spec.kind !== 'file') return undefined;
  if (isShardIndexName(spec.path)) return spec;
  const info = await stat(spec.path).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const indexes = (await readdir(spec.path)).filter(isShardIndexName).sort();
  if (indexes.length === 0) return undefined; // opening it fails as a folder, as before
  if (indexes.length > 1) throw new UnsupportedError(`${spec.path} holds ${indexes.length} shard indexes (${indexes.join(', ')}): name the one to open.`);
  return { kind: 'file', path: join(spec.path, indexes[0]) };
}
