// The messages between the inspector's host (extension) and its webview: one discriminated
// union per direction, switched on `type`. Types only, so both bundles can import it.
import type { InspectReport } from '../core/inspect/report';
import type { SecurityReport } from '../core/security/securityReport';

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

export type HostMessage =
  | { type: 'loading'; file: string }
  | { type: 'report'; report: InspectReport; hashed: boolean }
  | { type: 'error'; error: InspectorErrorInfo }
  /** Whether a sha256 pass is running (the button is disabled meanwhile). */
  | { type: 'hashing'; running: boolean };

export type WebviewMessage =
  /** Sent once the script has loaded; the host answers with the current state. */
  | { type: 'ready' }
  /** Re-inspect with sha256 of every tensor. */
  | { type: 'computeHashes' }
  /** Put `text` on the clipboard (the webview's own clipboard access differs between hosts); `what` names it. */
  | { type: 'copy'; text: string; what: string };
