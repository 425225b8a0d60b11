// The cheap security scan of one file: only its pickles are read (no storage lookups, no tensor
// bytes), so it takes milliseconds per checkpoint. For the tree's marks, the Problems panel and
// `checkpoint-manager scan`. It never throws for a broken file: the error comes back with the
// verdict on what the pickles named before it (a broken file can still be a hostile one).
import { sniffFormat } from '../formats/sniffFormat';
import { CheckpointError } from '../errors';
import type { CheckpointErrorCode } from '../errors';
import { BufferByteSource } from '../io/bufferByteSource';
import type { ByteSource } from '../io/byteSource';
import type { CheckpointFormat } from '../torch/checkpointFormat';
import type { CallLog } from '../values/callLog';
import { EMPTY_CALL_LOG } from '../values/callLog';
import { ZipArchive } from '../zip/zipArchive';
import { checkpointVerdict } from './checkpointVerdict';
import { LEGACY_PICKLES, mergeScans, streamPickles, zipPickles } from './filePickles';
import type { PickleScan } from './filePickles';
import { MAX_NESTED, nestedPickles } from './nestedPickles';
import type { SecurityReport } from './securityReport';

/** How many pickles deep a pickle in bytes in a pickle is followed. */
const MAX_NESTING = 3;

export interface FileVerdict extends SecurityReport {
  /** Absent when the format could not be told. */
  format?: CheckpointFormat;
  /** Where the pickles read were found: zip entry names, or `stream@<offset>`. */
  pickles: string[];
  /** Pickles found inside the file's pickles (bytes handed to pickle.loads, torch.load…) and read too. */
  nested?: number;
  notes: string[];
  /** Why the file could not be read to the end; the verdict is then on what was read before. */
  error?: { code: CheckpointErrorCode | 'io'; message: string };
}

interface Found extends PickleScan {
  format: CheckpointFormat;
  nested: number;
}

async function scanPickles(source: ByteSource, depth: number): Promise<Found> {
  const sniffed = await sniffFormat(source);
  let scan: PickleScan;
  let format: CheckpointFormat;
  switch (sniffed.kind) {
    case 'safetensors':
      // A JSON header and raw bytes: nothing in it is ever run.
      return { format: 'safetensors', globals: [], calls: EMPTY_CALL_LOG, pickles: [], notes: [], nested: 0 };
    case 'zip': {
      scan = await zipPickles(await ZipArchive.open(source));
      format = scan.notes.some((n) => n.startsWith('TorchScript')) ? 'torchscript' : 'torch-zip';
      break;
    }
    case 'legacy':
      scan = await streamPickles(source, LEGACY_PICKLES);
      format = 'torch-legacy';
      break;
    case 'pickle':
      scan = await streamPickles(source);
      format = 'pickle';
      break;
  }
  return { ...scan, format, ...(await withNested(scan, depth)) };
}

/** The scan with what the pickles in its pickles' bytes name added in. */
async function withNested(scan: PickleScan, depth: number): Promise<{ globals: string[]; calls: CallLog; notes: string[]; nested: number }> {
  const inner = depth < MAX_NESTING ? nestedPickles(scan.calls).slice(0, MAX_NESTED) : [];
  const parts: { globals: readonly string[]; calls: CallLog }[] = [scan];
  const notes = [...scan.notes];
  let nested = 0;
  for (const { via, bytes } of inner) {
    try {
      const found = await scanPickles(new BufferByteSource(bytes), depth + 1);
      parts.push(found);
      nested += 1 + found.nested;
      notes.push(`A pickle inside the pickle, handed to ${via}, names ${found.globals.length} globals.`);
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      if (err.globals) parts.push({ globals: err.globals, calls: err.calls ?? EMPTY_CALL_LOG });
      notes.push(`Bytes handed to ${via} do not read as a pickle: ${err.message}`);
    }
  }
  return { ...mergeScans(parts), notes, nested };
}

/** The verdict on one file from its pickles alone; never throws for a broken or hostile file. */
export async function scanFileVerdict(source: ByteSource): Promise<FileVerdict> {
  try {
    const found = await scanPickles(source, 0);
    return {
      ...checkpointVerdict(found.globals, found.calls),
      format: found.format,
      pickles: found.pickles,
      ...(found.nested > 0 ? { nested: found.nested } : {}),
      notes: found.notes,
    };
  } catch (err) {
    const code = errorCode(err);
    if (code === undefined) throw err;
    const evidence = err instanceof CheckpointError ? err.evidence : undefined;
    return {
      ...checkpointVerdict(evidence?.globals ?? [], evidence?.calls),
      pickles: [],
      notes: [],
      error: { code, message: err instanceof Error ? err.message : String(err) },
    };
  }
}

/** A typed reader error's code, `io` for a system error (EACCES, EIO…), else undefined: a bug, rethrown. */
function errorCode(err: unknown): CheckpointErrorCode | 'io' | undefined {
  if (err instanceof CheckpointError) return err.code;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') return 'io';
  return undefined;
}
