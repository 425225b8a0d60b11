// The messages between the inspector's host (extension) and its webview, carried by RpcEndpoint
// (src/core/rpc): requests with answers, progress and cancel in both directions, and events that
// expect none. One method map and one event union per direction. Types only, so both bundles can
// import it.
import type { PackedReport } from '../core/inspect/tensorColumns';
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import type { SecurityReport } from '../core/security/securityReport';
import type { TensorStats } from '../core/stats/tensorStats';

/** What the error page shows when a file cannot be described. */
export interface InspectorErrorInfo {
  file: string;
  /** File size in bytes, when the file could be stat'ed. */
  size?: number;
  /** The CheckpointError code (`lfs-pointer`, `truncated`...) or a file-system code. */
  code?: string;
  /** The user sentence from `describeError`. */
  message: string;
  /** The verdict on the globals, when the reader got that far before giving up. */
  security?: SecurityReport;
  /** A record whose bytes fail their CRC-32 check, and the tensors whose bytes it holds. */
  damage?: { record: string; tensors: string[] };
}

/** Bytes read so far of all the bytes a request reads. */
export interface ByteProgress {
  done: number;
  total: number;
}

/** A tensor holding NaN or infinities, as the scan lists it (its first path when tied). */
export interface NonFiniteTensor {
  path: string;
  dtype: string;
  count: number;
  nan: number;
  posinf: number;
  neginf: number;
}

/** Which snippet *Copy load code* / *Copy resume code* writes. */
export type CodeKind = 'load' | 'resume';

/** What the host answers (the webview asks). */
export type HostMethods = {
  /** Re-inspect with sha256 of every tensor; resolves when the pass is over (the report arrives as an event). */
  computeHashes: { params: Record<string, never>; result: void };
  /** Statistics of the tensor at `path` (as the report names it). */
  tensorStats: { params: { path: string }; result: TensorStats; progress: ByteProgress };
  /** Every tensor holding NaN or infinities. */
  scanNonFinite: { params: Record<string, never>; result: NonFiniteTensor[]; progress: ByteProgress };
  /** Put `text` on the clipboard (the webview's own clipboard access differs between hosts); `what` names it. */
  copy: { params: { text: string; what: string }; result: void };
  /** Put the Python that loads (or resumes from) this file on the clipboard. */
  copyCode: { params: { kind: CodeKind }; result: void };
  /** Run *Export for Inference…* on this file. */
  exportForInference: { params: Record<string, never>; result: void };
};

/** What the statistics panel and the scan list show, read back from the page (for the integration tests). */
export interface ShownStats {
  /** The selected tensor, if any. */
  selected?: string;
  /** `idle`, `running`, `shown`, `error` or `cancelled`. */
  panel: string;
  /** The numbers the panel was given, when it shows them. */
  stats?: TensorStats;
  /** The statistics table as read from the page: row label → cell text. */
  cells: Record<string, string>;
  /** The chart's accessible name, and whether a canvas with pixels is drawn. */
  chart?: { label: string; drawn: boolean };
  /** The scan's list as shown: one entry per tensor, or the sentence when there is none. */
  scan?: { paths: string[]; text: string };
}

/** What the webview answers (the host asks): used by the internal testing command only. */
export type WebviewMethods = {
  /** Selects the tensor's row as a click would, and resolves once its statistics (or error) are shown. */
  selectTensor: { params: { path: string }; result: ShownStats };
  /** Runs the scan as the button would, and resolves once its list is shown. */
  scanNonFinite: { params: Record<string, never>; result: ShownStats };
  /** What the page shows now. */
  shown: { params: Record<string, never>; result: ShownStats };
};

export type HostEvent =
  | { type: 'loading'; file: string }
  /** `mark`: the checkpoint's pin, note and archived copies from its run's state file. */
  | { type: 'report'; report: PackedReport; hashed: boolean; mark?: CheckpointMark }
  | { type: 'error'; error: InspectorErrorInfo }
  /** Whether a sha256 pass is running (the button is disabled meanwhile). */
  | { type: 'hashing'; running: boolean }
  /** The palette's or the editor title's "Scan for NaN/Inf": the webview runs it as its button does. */
  | { type: 'startScan' };

export type WebviewEvent =
  /** Sent once the script has loaded; the host answers with the current state. */
  { type: 'ready' };
