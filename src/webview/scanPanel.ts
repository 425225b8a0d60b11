// "Scan for NaN/Inf": its button (for the table's toolbar) and the list it leaves: every tensor
// holding NaN or infinities, each a button that selects it, or one sentence when there is none.
import { formatInteger, plural } from '../core/format';
import type { NonFiniteTensor } from '../shared/protocol';
import { el, nameCode } from './dom';
import { percentText } from './statsFormat';

export interface ScanPanelOptions {
  onScan: () => void;
  onCancel: () => void;
  onSelect: (path: string) => void;
}

/** `NaN 3, +Inf 1` for the counts that are not zero. */
export function nonFiniteText(t: NonFiniteTensor): string {
  const parts: string[] = [];
  if (t.nan) parts.push(`NaN ${formatInteger(t.nan)}`);
  if (t.posinf) parts.push(`+Inf ${formatInteger(t.posinf)}`);
  if (t.neginf) parts.push(`-Inf ${formatInteger(t.neginf)}`);
  return `${parts.join(', ')} of ${formatInteger(t.count)}`;
}

export class ScanPanel {
  readonly button: HTMLButtonElement;
  readonly element: HTMLElement;
  private readonly body: HTMLDivElement;
  private paths: string[] = [];
  private progress: HTMLProgressElement | undefined;
  private progressText: HTMLSpanElement | undefined;

  constructor(private readonly options: ScanPanelOptions) {
    this.button = el('button', { className: 'action secondary', title: 'Read every floating-point tensor and list those holding NaN or infinities', attrs: { type: 'button' } }, ['Scan for NaN/Inf']);
    this.button.addEventListener('click', () => options.onScan());
    this.body = el('div', { className: 'scan-body', attrs: { 'aria-live': 'polite' } });
    this.element = el('section', { className: 'block scan-panel', attrs: { 'aria-label': 'NaN and Inf scan' } }, [el('h2', {}, ['NaN and Inf']), this.body]);
    this.element.hidden = true;
  }

  get running(): boolean {
    return this.button.disabled;
  }

  showRunning(): void {
    this.reset(true);
    this.progress = el('progress', { attrs: { max: '1', 'aria-label': 'Scanning tensors for NaN and Inf' } });
    this.progress.value = 0;
    this.progressText = el('span', { className: 'progress-text' });
    const cancel = el('button', { className: 'action secondary', attrs: { type: 'button' } }, ['Cancel scan']);
    cancel.addEventListener('click', () => this.options.onCancel());
    this.body.replaceChildren(el('p', {}, ['Scanning…']), el('div', { className: 'progress-row' }, [this.progress, this.progressText, cancel]));
  }

  setProgress(done: number, total: number): void {
    if (!this.progress || !this.progressText) return;
    this.progress.max = Math.max(1, total);
    this.progress.value = Math.min(done, total);
    this.progressText.textContent = percentText(done, total);
  }

  /** `tensors`: how many the file names (the sentence when the list is empty counts them). */
  showResult(found: readonly NonFiniteTensor[], tensors: number): void {
    this.reset(false);
    if (found.length === 0) {
      this.body.replaceChildren(el('p', { className: 'scan-clean' }, [`No NaN or Inf in ${plural(tensors, 'tensor')}.`]));
      return;
    }
    this.paths = found.map((t) => t.path);
    const items = found.map((t) => {
      const button = el('button', { className: 'link', title: `Show the statistics of ${t.path}`, attrs: { type: 'button' } }, [nameCode(t.path)]);
      button.addEventListener('click', () => this.options.onSelect(t.path));
      return el('li', {}, [button, ` ${t.dtype}: ${nonFiniteText(t)}`]);
    });
    this.body.replaceChildren(el('p', {}, [`${plural(found.length, 'tensor')} holding NaN or Inf:`]), el('ul', { className: 'scan-list', attrs: { 'aria-label': 'Tensors holding NaN or Inf' } }, items));
  }

  showError(message: string): void {
    this.reset(false);
    this.body.replaceChildren(el('p', { className: 'stats-error', attrs: { role: 'alert' } }, [`The scan failed: ${message}`]));
  }

  showCancelled(): void {
    this.reset(false);
    this.body.replaceChildren(el('p', {}, ['Scan cancelled.']));
  }

  /** What the list shows, read from its elements; undefined before any scan. */
  shown(): { paths: string[]; text: string } | undefined {
    if (this.element.hidden) return undefined;
    return { paths: [...this.paths], text: this.body.textContent ?? '' };
  }

  private reset(running: boolean): void {
    this.element.hidden = false;
    this.button.disabled = running;
    this.paths = [];
    this.progress = undefined;
    this.progressText = undefined;
  }
}
