// What the host answers the inspector's webview: one handler per request of HostMethods. The
// statistics come from the document's InspectorStatsSource; progress is passed on at most once
// per percent, so a scan over many small tensors does not flood the webview with messages.
import { describeError } from '../core/errors';
import type { Handlers } from '../core/rpc/rpcEndpoint';
import { RpcError } from '../core/rpc/rpcEndpoint';
import type { ByteProgress, CodeKind, HostMethods } from '../shared/protocol';
import type { InspectorStatsSource } from './inspectorStats';

export interface InspectorHandlerDeps {
  stats: InspectorStatsSource;
  computeHashes(): Promise<void>;
  copy(text: string, what: string): Promise<void>;
  copyCode(kind: CodeKind): Promise<void>;
  exportForInference(): Promise<void>;
}

/** Calls `report` when the whole percent reached changes, and at the end. */
export function percentThrottle(report: (p: ByteProgress) => void): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
    if (percent === last) return;
    last = percent;
    report({ done, total });
  };
}

/** The error the webview sees: the user sentence, and the code when there is one. */
function asRequestError(err: unknown): unknown {
  if (err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError') return err;
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return new RpcError({ message: describeError(err), ...(typeof code === 'string' ? { code } : {}) });
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new RpcError({ message: `${what} must be a string.`, code: 'bad-request' });
  return value;
}

export function inspectorHandlers(deps: InspectorHandlerDeps): Handlers<HostMethods> {
  return {
    computeHashes: () => deps.computeHashes(),
    tensorStats: async (params, { signal, progress }) => {
      const path = requireString((params as { path?: unknown } | null)?.path, 'The tensor path');
      try {
        return await deps.stats.tensorStats(path, { signal, onProgress: percentThrottle(progress) });
      } catch (err) {
        throw asRequestError(err);
      }
    },
    scanNonFinite: async (_params, { signal, progress }) => {
      try {
        return await deps.stats.scanNonFinite({ signal, onProgress: percentThrottle(progress) });
      } catch (err) {
        throw asRequestError(err);
      }
    },
    copy: async (params) => {
      const p = (params ?? {}) as { text?: unknown; what?: unknown };
      await deps.copy(requireString(p.text, 'The text to copy'), typeof p.what === 'string' ? p.what : 'to the clipboard');
    },
    copyCode: async (params) => {
      const kind = (params as { kind?: unknown } | null)?.kind;
      if (kind !== 'load' && kind !== 'resume') throw new RpcError({ message: 'The code kind must be load or resume.', code: 'bad-request' });
      await deps.copyCode(kind);
    },
    exportForInference: () => deps.exportForInference(),
  };
}
