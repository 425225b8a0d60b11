// The page for a file that cannot be described: the sentence, the size, the damaged record if
// any, and the verdict if known.
import type { InspectorErrorInfo } from '../shared/protocol';
import { el, nameCode } from './dom';
import { formatBytes, formatInteger } from '../core/format';
import { baseName } from './format';
import { renderSecurity } from './renderSecurity';

const ERROR_TITLES: Record<string, string> = {
  'lfs-pointer': 'Git LFS pointer',
  truncated: 'Truncated checkpoint',
  'not-checkpoint': 'Not a checkpoint',
  'missing-record': 'Incomplete archive',
  corrupt: 'Corrupt checkpoint',
  'unsupported-protocol': 'Unsupported pickle',
  unsupported: 'Unsupported checkpoint',
  ENOENT: 'File not found',
};

export function errorTitle(code: string | undefined): string {
  return (code !== undefined && Object.prototype.hasOwnProperty.call(ERROR_TITLES, code) ? ERROR_TITLES[code] : undefined) ?? 'Cannot inspect this file';
}

export function renderError(error: InspectorErrorInfo): HTMLElement {
  const facts: HTMLElement[] = [];
  if (error.size !== undefined) {
    facts.push(el('div', { className: 'fact', title: `${formatInteger(error.size)} bytes` }, [el('dt', {}, ['Size']), el('dd', {}, [formatBytes(error.size)])]));
  }
  if (error.code) facts.push(el('div', { className: 'fact' }, [el('dt', {}, ['Code']), el('dd', {}, [error.code])]));
  return el('main', { className: 'error-page' }, [
    el('header', { className: 'header' }, [
      el('div', { className: 'title-row' }, [el('h1', { title: error.file }, [baseName(error.file)]), el('span', { className: 'badge badge-error' }, [errorTitle(error.code)])]),
      facts.length > 0 ? el('dl', { className: 'facts' }, facts) : null,
    ]),
    el('p', { className: 'error-message', attrs: { role: 'alert' } }, [error.message]),
    error.damage ? renderDamage(error.damage) : null,
    error.security ? renderSecurity(error.security) : null,
  ]);
}

/** Which record fails its CRC-32 check and whose bytes it holds: one tensor, or all views of a shared storage. */
export function renderDamage(damage: NonNullable<InspectorErrorInfo['damage']>): HTMLElement {
  const heading = damage.tensors.length === 1 ? 'Damaged tensor' : 'Tensors in the damaged record';
  return el('section', { className: 'damage', attrs: { 'aria-label': heading } }, [
    el('dl', { className: 'facts' }, [el('div', { className: 'fact' }, [el('dt', {}, ['Record']), el('dd', {}, [el('code', {}, [damage.record])])])]),
    damage.tensors.length > 0 ? el('h2', {}, [heading]) : null,
    damage.tensors.length > 0 ? el('ul', {}, damage.tensors.map((t) => el('li', {}, [nameCode(t)]))) : null,
  ]);
}
