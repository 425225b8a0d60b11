// The checkpoint's pin, note and archived copies, as its run's state file records them: the
// same facts the tree's tooltip gives, under the header. Nothing when it has none.
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import { el } from './dom';

export function renderMark(mark: CheckpointMark | undefined): HTMLElement | null {
  if (!mark) return null;
  const items: HTMLElement[] = [];
  if (mark.note) items.push(el('li', {}, [el('strong', {}, ['Note: ']), mark.note]));
  if (mark.pinned || mark.note) items.push(el('li', {}, ['Pinned: pruning keeps it.']));
  for (const a of mark.archived ?? []) items.push(el('li', {}, ['Archived to ', el('code', {}, [a.to]), a.at ? ` (${a.at.slice(0, 10)})` : '']));
  if (items.length === 0) return null;
  return el('section', { className: 'block mark', attrs: { 'aria-label': 'Pin, note and archive' } }, [el('ul', { className: 'mark-list' }, items)]);
}
