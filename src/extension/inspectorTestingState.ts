// INTERNAL, for the integration tests only: what the active inspector last sent its webview,
// reduced to the facts a test asserts on. Returned by the hidden command
// `checkpointManager._testing.inspectorState`; not part of the extension's public surface.
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import type { Verdict } from '../core/security/securityReport';
import { presentCount } from '../core/inspect/tensorColumns';
import type { HostEvent, ShownStats } from '../shared/protocol';
import type { SessionTiming } from './inspectorDocument';

export type SentSummary =
  | {
      kind: 'report';
      format: string;
      tensors: number;
      parameters: number;
      modelParameters: number;
      verdict: Verdict;
      dangerous: string[];
      step?: number;
      depth?: number;
      hashed: boolean;
      /** Tensors that carry a sha256. */
      hashes: number;
      /** What loading would run (the verdict's calls). */
      calls?: string[];
      /** The kind of each optimizer state dict found. */
      optimizers: Array<string | undefined>;
      /** The distinct saved devices. */
      devices: string[];
      /** The checkpoint's pin, note and archived copies. */
      mark?: CheckpointMark;
    }
  | { kind: 'error'; code?: string; message: string; size?: number; verdict?: Verdict; dangerous?: string[]; damage?: { record: string; tensors: string[] } };

/**
 * Where the time to a first report went (Date.now() values of the extension host, the clock the
 * integration tests read too): VS Code asked for the document, then resolved the editor; the
 * page said ready; the worker answered the open, `workerMs` of it its own parse and pack; the
 * report went to the page.
 */
export interface OpenTimings {
  documentAt: number;
  resolvedAt: number;
  readyAt?: number;
  reportAt?: number;
  session?: SessionTiming;
}

/** What the testing command may do before it answers: click Compute sha256, select a tensor, run the scan, read the page, add the timings. */
export type InspectorTestingAction = 'computeHashes' | 'selectTensor' | 'scanNonFinite' | 'shown' | 'timings';

export interface InspectorTestingState {
  viewType: string;
  uri: string;
  /** Which editor this is: a number unique within the session. */
  editorId: number;
  /** Inspector editors open on the same document (it backs them all with one report). */
  editors: number;
  /** The webview said `ready`. */
  ready: boolean;
  /** How many pages said `ready`: one more each time the page was rebuilt (hidden, then shown). */
  pageLoads: number;
  /** The last report or error posted to the webview; absent until one was. */
  sent?: SentSummary;
  /** Where the time to the first report went (action `timings` only). */
  timings?: OpenTimings;
  /** What the statistics panel and the scan list show, read from the webview (actions other than computeHashes). */
  shown?: ShownStats;
}

export function summarizeSent(message: HostEvent): SentSummary | undefined {
  switch (message.type) {
    case 'report': {
      const r = message.report;
      return {
        kind: 'report',
        format: r.format,
        tensors: r.tensorColumns.count,
        parameters: r.parameters,
        modelParameters: r.modelParameters,
        verdict: r.security.verdict,
        dangerous: r.security.dangerous,
        step: r.step,
        depth: r.depth,
        hashed: message.hashed,
        hashes: presentCount(r.tensorColumns.sha256),
        calls: r.security.calls,
        optimizers: (r.optimizers ?? []).map((o) => o.kind),
        // (A coded column's values are its distinct strings in first-seen order, as savedDevices gives them.)
        devices: r.tensorColumns.device.values.slice(1),
        ...(message.mark ? { mark: message.mark } : {}),
      };
    }
    case 'error': {
      const e = message.error;
      return {
        kind: 'error',
        code: e.code,
        message: e.message,
        size: e.size,
        verdict: e.security?.verdict,
        dangerous: e.security?.dangerous,
        ...(e.damage ? { damage: e.damage } : {}),
      };
    }
    case 'loading':
    case 'hashing':
    case 'startScan':
      return undefined;
  }
}
