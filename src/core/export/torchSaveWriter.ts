// A .pt file that `torch.load(path, weights_only=True)` takes in torch 1.13 and 2.x: a zip with
// one top-level folder holding data.pkl, one data/<key> record per tensor, `version` and
// `byteorder`. Tied names share one storage and one pickled tensor, as torch.save keeps them.
import type { ChunksOf, PlannedTensor } from './exportPlan';
import type { FileSink } from './fileSink';
import type { PickledTensor } from './torchPickle';
import { pickleStateDict } from './torchPickle';
import { ZipWriter } from './zipWriter';

/** The record torch writes to say which serialization version the archive uses. */
const VERSION = '3\n';

/** A folder name torch would take from the file's stem (any character but `/` works; keep it plain). */
export function archiveFolder(stem: string): string {
  const plain = stem.replace(/[^A-Za-z0-9_.-]/g, '_');
  return plain === '' || plain === '.' || plain === '..' ? 'archive' : plain;
}

export async function writeTorchFile(sink: FileSink, folder: string, plan: readonly PlannedTensor[], chunksOf: ChunksOf, signal?: AbortSignal): Promise<void> {
  const pickled = new Map<string, PickledTensor>();
  const records: PlannedTensor[] = [];
  const entries: Array<[string, PickledTensor]> = [];
  for (const t of plan) {
    let p = t.sameAs !== undefined ? pickled.get(t.sameAs) : undefined;
    if (!p) {
      const storageClass = t.dtype.storageClass;
      if (!storageClass) throw new Error(`${t.name}: torch 1.13 has no storage class for ${t.dtype.name}, so a .pt cannot hold it; export to .safetensors instead.`);
      p = { storage: { key: String(records.length), storageClass, numel: t.nbytes / t.dtype.itemsize }, shape: t.shape };
      records.push(t);
    }
    pickled.set(t.name, p);
    entries.push([t.name, p]);
  }
  const zip = new ZipWriter(sink);
  const pkl = pickleStateDict(entries);
  await zip.addRecord(`${folder}/data.pkl`, pkl.length, pkl);
  for (const t of records) await zip.addRecord(`${folder}/data/${pickled.get(t.name)!.storage.key}`, t.nbytes, chunksOf(t, signal), signal, t.crc32);
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  await zip.addRecord(`${folder}/version`, VERSION.length, text(VERSION));
  await zip.addRecord(`${folder}/byteorder`, 'little'.length, text('little'));
  await zip.finish();
}
