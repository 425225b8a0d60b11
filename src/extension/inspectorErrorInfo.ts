// Turning whatever inspecting threw into what the error page shows. Failures from the session
// worker arrive as RpcErrors whose data carries the verdict and the damaged record.
import { CheckpointError, DamagedRecordError, describeError } from '../core/errors';
import { RpcError } from '../core/rpc/rpcEndpoint';
import { checkpointVerdict } from '../core/security/checkpointVerdict';
import type { SessionErrorDetail } from '../core/session/sessionProtocol';
import type { InspectorErrorInfo } from '../shared/protocol';

/**
 * The error page's content: the user sentence, the code, the size, the damaged record if any, and
 * a verdict on the globals the file's pickles named before it failed (broken can be hostile).
 */
export function errorInfo(file: string, err: unknown, size: number | undefined): InspectorErrorInfo {
  const info: InspectorErrorInfo = { file, message: describeError(err) };
  if (size !== undefined) info.size = size;
  if (err && typeof err === 'object') {
    const { code } = err as { code?: unknown };
    if (typeof code === 'string') info.code = code;
  }
  if (err instanceof RpcError) {
    const detail = (err.data ?? {}) as SessionErrorDetail;
    if (detail.security) info.security = detail.security;
    if (detail.damage) info.damage = detail.damage;
  }
  if (err instanceof CheckpointError && err.globals) info.security = checkpointVerdict(err.globals, err.calls);
  if (err instanceof DamagedRecordError) info.damage = { record: err.record, tensors: [...err.tensors] };
  return info;
}

/** True for the rejection an aborted inspection gives (a DOMException or Error named AbortError). */
export function isAbort(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError';
}

/** Errors that mean the file itself is broken, as opposed to cancelled or not supported. */
export function isBrokenFile(err: unknown): boolean {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return code === 'corrupt' || code === 'truncated' || code === 'missing-record';
}
