// Tells the formats apart by their first bytes and hands the file to the reader that owns it.
import { LfsPointerError, NotCheckpointError, UnsupportedError } from '../errors';
import { guessPickle, loadPlainPickle } from '../formats/plainPickle';
import { loadSafetensors } from '../formats/safetensorsCheckpoint';
import type { ByteSource } from '../io/byteSource';
import { looksLikeSafetensors } from '../formats/safetensors';
import { looksLikeZip, ZipArchive } from '../zip/zipArchive';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { loadTorchLegacy, looksLikeLegacy } from '../torch/torchLegacy';
import { loadTorchZip } from '../torch/torchZip';

const LFS_PREFIX = 'version https://git-lfs.github.com/spec/';

function startsWith(head: Uint8Array, text: string): boolean {
  if (head.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (head[i] !== text.charCodeAt(i)) return false;
  return true;
}

export async function openCheckpoint(source: ByteSource): Promise<LoadedCheckpoint> {
  if (source.size === 0) throw new NotCheckpointError('The file is empty: it is not a checkpoint.');
  const head = await source.read(0, Math.min(source.size, 512));
  if (startsWith(head, LFS_PREFIX)) throw new LfsPointerError();
  // (A zip's start without its end records is reported as truncated by ZipArchive.open.)
  if (looksLikeZip(head)) return loadTorchZip(source, await ZipArchive.open(source));
  if (looksLikeLegacy(head)) return loadTorchLegacy(source);
  if (looksLikeSafetensors(head, source.size)) return loadSafetensors(source);
  if (head.length > 262 && startsWith(head.subarray(257), 'ustar')) {
    throw new UnsupportedError('this is the tar format of torch before 0.4, which is not supported.');
  }
  const last = (await source.read(source.size - 1, 1))[0];
  const pickle = guessPickle(head, last);
  if (pickle) return loadPlainPickle(source, pickle);
  throw new NotCheckpointError();
}
