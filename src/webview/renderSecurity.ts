// The security verdict banner. A dangerous file is described, never loaded: the banner says why.
import type { SecurityReport, Verdict } from '../core/inspect/report';
import { el } from './dom';

const VERDICT_LABELS: Record<Verdict, string> = { safe: 'Safe.', suspicious: 'Suspicious.', dangerous: 'Dangerous.' };

export function verdictSentence(security: SecurityReport): string {
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
  return el('ul', { className: `globals ${className}` }, names.map((n) => el('li', {}, [el('code', {}, [n])])));
}

export function renderSecurity(security: SecurityReport): HTMLElement {
  const flagged = security.verdict === 'dangerous' ? security.dangerous : security.suspicious;
  const children: (HTMLElement | null)[] = [
    el('p', { className: 'verdict-text' }, [el('strong', {}, [VERDICT_LABELS[security.verdict]]), ' ', verdictSentence(security)]),
    flagged.length > 0 ? globalList(flagged, 'flagged') : null,
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
