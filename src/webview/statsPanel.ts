// The statistics panel beside the tensor table: the selected tensor's numbers as a table (read
// well by screen readers), its histogram as a chart, and while it is computed a progress bar with
// Cancel. The chart is drawn by a ChartDrawer (uPlot in the page, a stand-in in unit tests).
import type { TensorStats } from '../core/stats/tensorStats';
import type { ShownStats } from '../shared/protocol';
import { visibleText } from '../core/visibleText';
import { el } from './dom';
import { hasHistogram, histogramSummary, percentText, statRows } from './statsFormat';

export interface DrawnChart {
  /** True once a canvas with pixels is on the page. */
  drawn(): boolean;
  dispose(): void;
}

/** Draws `stats`' histogram into `container` (which is in the document and carries `label`). */
export type ChartDrawer = (container: HTMLElement, stats: TensorStats) => DrawnChart;

export type PanelState = 'idle' | 'running' | 'shown' | 'error' | 'cancelled';

export interface StatsPanelOptions {
  drawChart: ChartDrawer;
  onCancel: () => void;
}

export class StatsPanel {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLDivElement;
  private readonly status: HTMLParagraphElement;
  private state: PanelState = 'idle';
  private path: string | undefined;
  private stats: TensorStats | undefined;
  private cells: Array<[HTMLElement, HTMLElement]> = [];
  private chartBox: HTMLElement | undefined;
  private chart: DrawnChart | undefined;
  private progress: HTMLProgressElement | undefined;
  private progressText: HTMLSpanElement | undefined;

  constructor(private readonly options: StatsPanelOptions) {
    this.title = el('p', { className: 'stats-path' });
    this.status = el('p', { className: 'stats-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.body = el('div', { className: 'stats-body' });
    this.element = el('section', { className: 'block stats-panel', attrs: { 'aria-label': 'Tensor statistics' } }, [el('h2', {}, ['Statistics']), this.title, this.status, this.body]);
    this.showIdle();
  }

  get selected(): string | undefined {
    return this.path;
  }

  get current(): PanelState {
    return this.state;
  }

  showIdle(): void {
    this.reset('idle', undefined);
    this.status.textContent = 'Select a tensor in the table (click it, or move with the arrow keys and press Enter) to see its statistics.';
  }

  showRunning(path: string): void {
    this.reset('running', path);
    this.status.textContent = 'Computing statistics…';
    this.progress = el('progress', { attrs: { max: '1', 'aria-label': `Reading ${path}` } });
    this.progress.value = 0;
    this.progressText = el('span', { className: 'progress-text' });
    const cancel = el('button', { className: 'action secondary', attrs: { type: 'button' } }, ['Cancel']);
    cancel.addEventListener('click', () => this.options.onCancel());
    this.body.replaceChildren(el('div', { className: 'progress-row' }, [this.progress, this.progressText, cancel]));
  }

  setProgress(done: number, total: number): void {
    if (this.state !== 'running' || !this.progress || !this.progressText) return;
    this.progress.max = Math.max(1, total);
    this.progress.value = Math.min(done, total);
    this.progressText.textContent = percentText(done, total);
  }

  showStats(path: string, dtype: string, stats: TensorStats): void {
    this.reset('shown', path);
    this.stats = stats;
    this.status.textContent = '';
    const rows = statRows(stats, dtype).map((r) => {
      const th = el('th', { attrs: { scope: 'row' } }, [r.label]);
      const td = el('td', { className: 'num', title: r.exact }, [r.text]);
      this.cells.push([th, td]);
      return el('tr', {}, [th, td]);
    });
    const table = el('table', { className: 'grid stats-table' }, [el('caption', { className: 'visually-hidden' }, [`Statistics of ${path}`]), el('tbody', {}, rows)]);
    const label = histogramSummary(stats);
    this.chartBox = el('div', { className: 'histogram', attrs: { role: 'img', 'aria-label': label } });
    const note = hasHistogram(stats) ? null : el('p', { className: 'section-note' }, ['No finite values: nothing to draw.']);
    this.body.replaceChildren(table, this.chartBox, el('p', { className: 'section-note' }, ['Computed in float64; NaN and ±Inf are counted but left out of min, max, mean, std and the histogram (64 bins between min and max).']), note ?? '');
    if (hasHistogram(stats)) this.chart = this.options.drawChart(this.chartBox, stats);
  }

  showError(path: string, message: string): void {
    this.reset('error', path);
    this.status.textContent = '';
    this.body.replaceChildren(el('p', { className: 'stats-error', attrs: { role: 'alert' } }, [message]));
  }

  showCancelled(path: string): void {
    this.reset('cancelled', path);
    this.status.textContent = 'Cancelled.';
  }

  /** What the panel shows, read from its elements. */
  shown(): Omit<ShownStats, 'scan'> {
    const cells: Record<string, string> = {};
    for (const [th, td] of this.cells) cells[th.textContent ?? ''] = td.textContent ?? '';
    const out: Omit<ShownStats, 'scan'> = { panel: this.state, cells };
    if (this.path !== undefined) out.selected = this.path;
    if (this.stats) out.stats = this.stats;
    if (this.chartBox) out.chart = { label: this.chartBox.getAttribute('aria-label') ?? '', drawn: this.chart?.drawn() ?? false };
    return out;
  }

  dispose(): void {
    this.chart?.dispose();
    this.chart = undefined;
  }

  private reset(state: PanelState, path: string | undefined): void {
    this.chart?.dispose();
    this.chart = undefined;
    this.chartBox = undefined;
    this.stats = undefined;
    this.cells = [];
    this.progress = undefined;
    this.progressText = undefined;
    this.state = state;
    this.path = path;
    this.title.textContent = visibleText(path ?? '');
    this.body.replaceChildren();
  }
}
