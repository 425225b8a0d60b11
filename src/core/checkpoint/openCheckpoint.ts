// Tells the formats apart by their first bytes and hands the file to the reader that owns it.
import { loadPlainPickle } from '../formats/plainPickle';
import { loadSafetensors } from '../formats/safetensorsCheckpoint';
import type { ByteSource } from '../io/byteSource';
import { ZipArchive } from '../zip/zipArchive';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { loadTorchLegacy } from '../torch/torchLegacy';
import { loadTorchZip } from '../torch/torchZip';
import { sniffFormat } from '../formats/sniffFormat';

export async function openCheckpoint(source: ByteSource): Promise<LoadedCheckpoint> {
  const format = await sniffFormat(source);
  switch (format.kind) {
    case 'zip':
      return loadTorchZip(source, await ZipArchive.open(source));
    case 'legacy':
      return loadTorchLegacy(source);
    case 'safetensors':
      return loadSafetensors(source);
    case 'pickle':
      return loadPlainPickle(source, format.guess);
  }
}
