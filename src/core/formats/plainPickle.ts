// A plain Python pickle (`pickle.dump`, protocols 0 to 5), such as nanochat's tokenizer.pkl: read
// by the same interpreter as checkpoints, which records calls and never makes them. It has no
// storages, so tensors cannot occur; torch globals in it stay inert placeholders.
import { CheckpointError, CorruptError, NotCheckpointError, UnsupportedError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { unpickle } from '../pickle/unpickler';
import type { PickleEvidence } from '../errors';
import { EMPTY_CALL_LOG, mergeCallLogs } from '../values/callLog';
import type { UnpickleResult } from '../values/pyValue';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { MAX_PICKLE_WINDOW } from '../torch/torchLegacy';

const STOP = 0x2e;
/** Appended pickles read for the verdict of a plain pickle with bytes after its STOP. */
const MAX_APPENDED = 64;
/** Opcodes a protocol 0 or 1 pickle can start with (protocols 2+ start with PROTO, 0x80). */
const OLD_PROTOCOL_FIRST = new Set([...'(c}])ILFSVNKJMGXUT'].map((c) => c.charCodeAt(0)));

export type PickleGuess = 'pickle' | 'maybe-pickle' | undefined;

/**
 * `pickle` for a PROTO header of protocol 2 to 5; `maybe-pickle` for a file that could be an old
 * protocol's pickle (no header: a plausible first opcode and STOP as the last byte).
 */
export function guessPickle(head: Uint8Array, last: number | undefined): PickleGuess {
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return 'pickle';
  return head.length > 0 && OLD_PROTOCOL_FIRST.has(head[0]) && last === STOP ? 'maybe-pickle' : undefined;
}

export async function loadPlainPickle(source: ByteSource, guess: Exclude<PickleGuess, undefined>): Promise<LoadedCheckpoint> {
  if (source.size > MAX_PICKLE_WINDOW) {
    throw new UnsupportedError(`this pickle holds ${source.size} bytes; plain pickles over ${MAX_PICKLE_WINDOW} bytes are not read.`);
  }
  const data = await source.read(0, source.size);
  let result;
  try {
    result = unpickle(data, { resolveGlobal: () => undefined });
  } catch (err) {
    // Without a header, a file that does not unpickle was never a pickle (a text file ending in '.').
    if (guess === 'maybe-pickle' && err instanceof CheckpointError) throw new NotCheckpointError();
    throw err;
  }
  if (result.end !== data.length) {
    throw new CorruptError(`${data.length - result.end} bytes follow the pickle's STOP opcode.`, appendedEvidence(data, result));
  }
  return {
    format: 'pickle',
    root: result.value,
    globals: result.globals,
    calls: result.calls,
    littleEndian: true,
    notes: ['A plain Python pickle, not a file torch.save wrote: pickle.load would import every global it names.'],
    readStorage: () => Promise.reject(new CorruptError('a plain pickle has no tensor storages.')),
    storageStart: async () => undefined,
  };
}

/**
 * What the pickles appended after the first one name: pickle.load stops at the first STOP, but a
 * loader that calls it again runs the next, so the error's verdict must see them too.
 */
function appendedEvidence(data: Uint8Array, first: UnpickleResult): PickleEvidence {
  const results = [first];
  let offset = first.end;
  while (offset < data.length && results.length < MAX_APPENDED) {
    try {
      const r = unpickle(data, { resolveGlobal: () => undefined, persistentLoad: (pid) => pid }, { offset });
      results.push(r);
      offset = r.end;
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      if (err.globals) results.push({ value: null, end: data.length, globals: [...err.globals], calls: err.calls ?? EMPTY_CALL_LOG });
      break;
    }
  }
  return { globals: [...new Set(results.flatMap((r) => r.globals))], calls: mergeCallLogs(results.map((r) => r.calls)) };
}
