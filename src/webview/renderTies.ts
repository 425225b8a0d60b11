// Tied tensors: paths that reach the same bytes (nanoGPT's and Hugging Face's lm_head and wte),
// listed as `path = sameAs` so the counts that take each once can be checked by eye.
import type { TiedPair } from '../core/torch/tiedTensors';
import { collapsible, el, nameCode, section } from './dom';

/** Up to this many pairs the list starts open. */
const TIES_OPEN_MAX = 16;

export function renderTies(tied: readonly TiedPair[]): HTMLElement | null {
  if (tied.length === 0) return null;
  const title = `Tied tensors (${tied.length})`;
  const body = [
    el('p', { className: 'section-note' }, ['Each path on the left reaches the same bytes as the one on the right: they are one tensor, counted once.']),
    el('ul', { className: 'ties', attrs: { 'aria-label': 'Tied tensors' } }, tied.map((t) => el('li', {}, [nameCode(t.path), ' = ', nameCode(t.sameAs)]))),
  ];
  return tied.length <= TIES_OPEN_MAX ? section(title, body, 'ties-section') : collapsible(title, body);
}
