// Every pickle a file holds, unpickled inertly for the security scan and nothing else: no storage
// is looked up and no tensor byte is read. A torch zip's every `*.pkl` entry (a second top-level
// folder's data.pkl too), the legacy format's five header pickles, and a plain pickle with any
// pickle appended after its STOP.
import { CheckpointError } from '../errors';
import type { PickleEvidence } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { PickleTruncatedError, unpickle } from '../pickle/unpickler';
import { MAX_PICKLE_WINDOW } from '../torch/torchLegacy';
import { mergeCallLogs } from '../values/callLog';
import type { CallLog } from '../values/callLog';
import type { UnpickleHooks, UnpickleResult } from '../values/pyValue';
import type { ZipArchive } from '../zip/zipArchive';

/** What one file's pickles name, as one. */
export interface PickleScan {
  globals: string[];
  calls: CallLog;
  /** Where each pickle was found: `archive/data.pkl`, `stream@0`, `stream@1234`. */
  pickles: string[];
  notes: string[];
}

const FIRST_WINDOW = 1 << 20;
/** The legacy format's header: magic number, protocol version, system info, the object, the storage keys. */
export const LEGACY_PICKLES = 5;
/** Opcodes a pickle can start with: PROTO, or the first opcode of a protocol 0 or 1 pickle. */
const PICKLE_FIRST = new Set([0x80, ...[...'(c}])ILFSVNKJMGXUTi'].map((c) => c.charCodeAt(0))]);

/** Globals become placeholders and persistent ids stay as they are: nothing is resolved. */
const INERT_HOOKS: UnpickleHooks = { resolveGlobal: () => undefined, persistentLoad: (pid) => pid };

export function mergeScans(results: readonly { globals: readonly string[]; calls: CallLog }[]): { globals: string[]; calls: CallLog } {
  return { globals: [...new Set(results.flatMap((r) => r.globals))], calls: mergeCallLogs(results.map((r) => r.calls)) };
}

function evidenceOf(results: readonly UnpickleResult[]): PickleEvidence | undefined {
  return results.length > 0 ? mergeScans(results) : undefined;
}

/** The pickles of a zip archive: every entry named `*.pkl`. */
export async function zipPickles(archive: ZipArchive): Promise<PickleScan> {
  const results: UnpickleResult[] = [];
  const pickles: string[] = [];
  const notes: string[] = [];
  for (const entry of archive.entries) {
    if (!entry.name.endsWith('.pkl')) continue;
    try {
      results.push(unpickle(await archive.readEntry(entry, MAX_PICKLE_WINDOW), INERT_HOOKS, { earlier: evidenceOf(results) }));
    } catch (err) {
      // A broken pickle still says what it named so far, and so do the ones before it.
      if (err instanceof CheckpointError && !err.globals && results.length > 0) throw err.withEvidence(mergeScans(results));
      throw err;
    }
    pickles.push(entry.name);
  }
  const code = archive.entries.filter((e) => /(^|\/)code\//.test(e.name) && !e.name.endsWith('/')).length;
  if (code > 0) notes.push(`TorchScript archive: ${code} files under code/ would be compiled and run by torch.jit.load (and by torch.load, which hands such archives to it).`);
  return { ...mergeScans(results), pickles, notes };
}

/**
 * The pickles at the start of a stream: `count` of them (the legacy format), or as many as follow
 * one another to the end (a plain pickle, and whatever is appended to it).
 */
export async function streamPickles(source: ByteSource, count?: number): Promise<PickleScan> {
  const limit = Math.min(source.size, MAX_PICKLE_WINDOW);
  let window = Math.min(FIRST_WINDOW, limit);
  for (;;) {
    const data = await source.read(0, window);
    try {
      return readStream(data, source.size, count);
    } catch (err) {
      if (!(err instanceof PickleTruncatedError) || window >= limit) throw err;
      window = Math.min(Math.max(window * 4, err.atLeast), limit);
    }
  }
}

function readStream(data: Uint8Array, size: number, count: number | undefined): PickleScan {
  const results: UnpickleResult[] = [];
  const pickles: string[] = [];
  const notes: string[] = [];
  let offset = 0;
  while (count === undefined ? offset < data.length : results.length < count) {
    if (count === undefined && results.length > 0 && !PICKLE_FIRST.has(data[offset])) {
      notes.push(`${size - offset} bytes after the last pickle's STOP are not a pickle.`);
      break;
    }
    const r = unpickle(data, INERT_HOOKS, { offset, earlier: evidenceOf(results) });
    results.push(r);
    pickles.push(`stream@${offset}`);
    offset = r.end;
    // The window ends where a pickle does: what follows in the file may be another one.
    if (count === undefined && offset === data.length && data.length < size) throw new PickleTruncatedError(data.length + 1);
  }
  if (count === undefined && pickles.length > 1) notes.push(`${pickles.length} pickles follow one another: a loader that reads more than the first runs them all.`);
  return { ...mergeScans(results), pickles, notes };
}
