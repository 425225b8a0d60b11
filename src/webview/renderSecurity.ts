// The security verdict banner. A dangerous file is described, never loaded: the banner says why,
// and what loading it would run.
import type { CheckpointFormat } from '../core/torch/checkpointFormat';
import type { SecurityReport, Verdict } from '../core/security/securityReport';
import { plural } from '../core/format';
import { el, nameCode } from './dom';

const VERDICT_LABELS: Record<Verdict, string> = { safe: 'Safe.', suspicious: 'Suspicious.', dangerous: 'Dangerous.' };

/** The verdict in words that fit the format: safetensors has no pickle, a plain pickle is not torch.load's. */
export function verdictSentence(security: SecurityReport, format?: CheckpointFormat): string {
  if (format === 'safetensors') {
    return 'A safetensors file is a JSON header and raw tensor bytes: it holds no pickle, so loading it cannot run code.';
  }
  if (format === 'pickle') {
    switch (security.verdict) {
      case 'safe':
        return 'The pickle names only plain data types: pickle.load would import nothing that can run code.';
      case 'suspicious':
        return `The pickle names ${security.suspicious.length} global(s) that are not known to be safe: pickle.load would import them, and loading it could run code.`;
      case 'dangerous':
        return `Loading this file with pickle.load would run code through ${security.dangerous.length} global(s). It was only read here, never executed.`;
    }
  }
  switch (security.verdict) {
    case 'safe':
      return 'The file only names types that torch.load(weights_only=True) accepts.';
    case 'suspicious':
      return `The file names ${security.suspicious.length} global(s) that are not known to be safe. torch.load(weights_only=True) would refuse it; loading it fully could run code.`;
    case 'dangerous':
      return `Loading this file with torch.load would run code through ${security.dangerous.length} global(s). It was only read here, never executed.`;
  }
}

function globalList(names: readonly string[], className: string): HTMLElement {
  return el('ul', { className: `globals ${className}` }, names.map((n) => el('li', {}, [nameCode(n)])));
}

/** What loading would run, one call per line, as inert text. */
function renderCalls(security: SecurityReport): HTMLElement[] {
  const calls = security.calls ?? [];
  if (calls.length === 0) return [];
  const out: HTMLElement[] = [
    el('p', {}, ['Loading it would run:']),
    el('ul', { className: 'calls', attrs: { 'aria-label': 'Calls loading would make' } }, calls.map((c) => el('li', {}, [el('code', {}, [c])]))),
  ];
  if (security.callsOmitted) out.push(el('p', {}, [`… and ${plural(security.callsOmitted, 'more such call')}.`]));
  return out;
}

export function renderSecurity(security: SecurityReport, format?: CheckpointFormat): HTMLElement {
  const flagged = security.verdict === 'dangerous' ? security.dangerous : security.suspicious;
  const children: (HTMLElement | null)[] = [
    el('p', { className: 'verdict-text' }, [el('strong', {}, [VERDICT_LABELS[security.verdict]]), ' ', verdictSentence(security, format)]),
    flagged.length > 0 ? globalList(flagged, 'flagged') : null,
    ...renderCalls(security),
  ];
  if (security.verdict === 'dangerous' && security.suspicious.length > 0) {
    children.push(el('p', {}, ['Also not known to be safe:']), globalList(security.suspicious, 'flagged'));
  }
  if (security.globals.length > 0) {
    const all = el('details', { className: 'all-globals' }, [el('summary', {}, [`All ${security.globals.length} globals named by the file`]), globalList(security.globals, '')]);
    children.push(all);
  }
  return el('section', { className: `verdict verdict-${security.verdict}`, attrs: { role: security.verdict === 'safe' ? 'status' : 'alert' } }, children);
}
