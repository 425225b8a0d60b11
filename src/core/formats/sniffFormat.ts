// Which reader owns a file, from its first bytes (and its last, for old pickles): shared by the
// full reader (openCheckpoint.ts) and the cheap security scan (security/scanFileVerdict.ts).
import { LfsPointerError, NotCheckpointError, UnsupportedError } from '../errors';
import { guessPickle } from './plainPickle';
import type { PickleGuess } from './plainPickle';
import { looksLikeSafetensors } from './safetensors';
import type { ByteSource } from '../io/byteSource';
import { looksLikeLegacy } from '../torch/torchLegacy';
import { looksLikeZip } from '../zip/zipArchive';

const LFS_PREFIX = 'version https://git-lfs.github.com/spec/';

export type SniffedFormat =
  | { kind: 'zip' }
  | { kind: 'legacy' }
  | { kind: 'safetensors' }
  | { kind: 'pickle'; guess: Exclude<PickleGuess, undefined> };

function startsWith(head: Uint8Array, text: string): boolean {
  if (head.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (head[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The file's format; throws the typed error for an empty file, an LFS pointer, a tar or anything else. */
export async function sniffFormat(source: ByteSource): Promise<SniffedFormat> {
  if (source.size === 0) throw new NotCheckpointError('The file is empty: it is not a checkpoint.');
  const head = await source.read(0, Math.min(source.size, 512));
  if (startsWith(head, LFS_PREFIX)) throw new LfsPointerError();
  // (A zip's start without its end records is reported as truncated by ZipArchive.open.)
  if (looksLikeZip(head)) return { kind: 'zip' };
  if (looksLikeLegacy(head)) return { kind: 'legacy' };
  if (looksLikeSafetensors(head, source.size)) return { kind: 'safetensors' };
  if (head.length > 262 && startsWith(head.subarray(257), 'ustar')) {
    throw new UnsupportedError('this is the tar format of torch before 0.4, which is not supported.');
  }
  const last = (await source.read(source.size - 1, 1))[0];
  const guess = guessPickle(head, last);
  if (guess) return { kind: 'pickle', guess };
  throw new NotCheckpointError();
}
