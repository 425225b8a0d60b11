// Turning whatever inspecting threw into what the error page shows.
import { DamagedRecordError, describeError } from '../core/errors';
import type { SecurityReport } from '../core/inspect/report';
import type { InspectorErrorInfo } from '../shared/protocol';

function isSecurityReport(value: unknown): value is SecurityReport {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<SecurityReport>;
  const strings = (list: unknown): boolean => Array.isArray(list) && list.every((x) => typeof x === 'string');
  return (s.verdict === 'safe' || s.verdict === 'suspicious' || s.verdict === 'dangerous') && strings(s.globals) && strings(s.dangerous) && strings(s.suspicious);
}

/** The error page's content: the user sentence, the code, the size, a verdict if the error carries one, the damaged record if any. */
export function errorInfo(file: string, err: unknown, size: number | undefined): InspectorErrorInfo {
  const info: InspectorErrorInfo = { file, message: describeError(err) };
  if (size !== undefined) info.size = size;
  if (err && typeof err === 'object') {
    const { code, security } = err as { code?: unknown; security?: unknown };
    if (typeof code === 'string') info.code = code;
    if (isSecurityReport(security)) info.security = security;
  }
  if (err instanceof DamagedRecordError) info.damage = { record: err.record, tensors: [...err.tensors] };
  return info;
}

/** True for the rejection an aborted inspection gives (a DOMException or Error named AbortError). */
export function isAbort(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError';
}
