// What the session worker answers (sessionWorker.ts), and how its failures cross to the host:
// plain data, so the error page can still show the verdict on a broken file's globals.
import type { AlignMode } from '../compare/keyAlignment';
import { CheckpointError, DamagedRecordError, describeError } from '../errors';
import type { ExportRequest, ExportResult } from '../export/exportCheckpoint';
import type { CheckpointFacts } from '../inspect/checkpointFacts';
import type { PackedReport } from '../inspect/tensorColumns';
import type { SourceSpec } from '../io/sourceSpec';
import type { RpcErrorData } from '../rpc/rpcEndpoint';
import { checkpointVerdict } from '../security/checkpointVerdict';
import type { SecurityReport } from '../security/securityReport';
import type { TensorStats } from '../stats/tensorStats';
import type { FileVerdict } from '../security/verdictMark';
import type { SessionComparison } from './sessionCompare';
import type { NonFiniteRow } from './sessionStats';

/** Bytes of tensor data done, of the request's total. */
export interface WorkProgress {
  done: number;
  total: number;
}

export interface NonFiniteScan {
  /** Floating-point tensors scanned (others cannot hold NaN or infinities). */
  scanned: number;
  found: NonFiniteRow[];
}

export type SessionMethods = {
  /** `openMs`: how long the worker took to parse and pack the report, in milliseconds (its start not included). */
  open: { params: { spec: SourceSpec; sidecar?: { name: string; spec: SourceSpec } | null }; result: { session: number; report: PackedReport; openMs: number } };
  hashes: { params: { session: number }; result: PackedReport; progress: WorkProgress };
  stats: { params: { session: number; path: string; bins?: number }; result: TensorStats; progress: WorkProgress };
  scanNonFinite: { params: { session: number }; result: NonFiniteScan; progress: WorkProgress };
  /** Compares two open sessions (A, then B): the report and its per-layer grouping. */
  compare: { params: { a: number; b: number; align?: AlignMode; stripPrefix?: string }; result: SessionComparison; progress: WorkProgress };
  /** Statistics and histogram of B's tensor minus A's. */
  difference: { params: { a: number; pathA: string; b: number; pathB: string; bins?: number }; result: TensorStats; progress: WorkProgress };
  /** Writes the session's model weights for inference (see exportFromSession); cancel leaves no file. */
  export: { params: { session: number; request: ExportRequest }; result: ExportResult; progress: WorkProgress };
  close: { params: { session: number }; result: null };
  /** The verdict on one file from its pickles alone (no session: the file is closed again). */
  verdict: { params: { spec: SourceSpec }; result: FileVerdict };
  /** What a single-file checkpoint says about itself (metrics, epoch, Lightning state), without a session. */
  facts: { params: { spec: SourceSpec }; result: CheckpointFacts };
  /** The sha256 of a whole file's bytes, streamed (Archive's check of both sides). */
  sha256: { params: { spec: SourceSpec }; result: { sha256: string; bytes: number }; progress: WorkProgress };
};

/** What a failure carries besides its sentence and code. */
export interface SessionErrorDetail {
  /** The verdict on the globals a broken file's pickles named before it failed. */
  security?: SecurityReport;
  /** A record that fails its CRC-32, and the tensors whose bytes it holds. */
  damage?: { record: string; tensors: string[] };
}

export function sessionErrorData(err: unknown): RpcErrorData {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
  const out: RpcErrorData = { message: describeError(err) };
  if (name === 'AbortError') out.code = 'cancelled';
  else if (typeof code === 'string') out.code = code;
  const detail: SessionErrorDetail = {};
  if (err instanceof CheckpointError && err.globals) detail.security = checkpointVerdict(err.globals, err.calls);
  if (err instanceof DamagedRecordError) detail.damage = { record: err.record, tensors: [...err.tensors] };
  if (detail.security || detail.damage) out.data = detail;
  return out;
}
