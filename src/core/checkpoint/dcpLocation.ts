// Which argument names a torch.distributed.checkpoint folder: its `.metadata` file, the folder
// holding one (as FileSystemWriter and Accelerate's `pytorch_model_fsdp_0/` leave it), or one of
// its `.distcp` files (a concatenation of archives that means nothing alone).
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SourceSpec } from '../io/sourceSpec';
import { METADATA_FILE } from './dcpMetadata';

/** The `.metadata` to open `spec` through, or undefined when it is not a DCP folder. */
export async function dcpMetadataOf(spec: SourceSpec): Promise<SourceSpec | undefined> {
  if (spec.kind === 'url') return basename(new URL(spec.url).pathname) === METADATA_FILE ? spec : undefined;
  if (spec.kind !== 'file') return undefined;
  if (basename(spec.path) === METADATA_FILE) return spec;
  if (spec.path.endsWith('.distcp')) {
    const beside = join(dirname(spec.path), METADATA_FILE);
    return (await stat(beside).catch(() => undefined))?.isFile() ? { kind: 'file', path: beside } : undefined;
  }
  const info = await stat(spec.path).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const metadata = join(spec.path, METADATA_FILE);
  return (await stat(metadata).catch(() => undefined))?.isFile() ? { kind: 'file', path: metadata } : undefined;
}
