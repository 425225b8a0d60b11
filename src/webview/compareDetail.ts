// The compare report's detail of one tensor pair: both tensors' statistics side by side (one
// table, a row per statistic, A's and B's columns) and the histogram of the difference B - A,
// asked of the host when a row is chosen. While they are computed: a progress bar with Cancel;
// choosing another tensor cancels the last request.
import type { RequestOptions } from '../core/rpc/rpcEndpoint';
import type { CompareHostMethods, ShownCompare, TensorDetail } from '../shared/compareProtocol';
import { el } from './dom';
import { hasHistogram, histogramSummary, percentText, statRows } from './statsFormat';
import type { ChartDrawer, DrawnChart } from './statsPanel';

export interface DetailRequests {
  request(method: 'tensorDetail', params: CompareHostMethods['tensorDetail']['params'], options: RequestOptions<CompareHostMethods['tensorDetail']['progress']>): Promise<TensorDetail>;
}

type Shown = NonNullable<ShownCompare['detail']>;

function isCancel(err: unknown): boolean {
  return !!err && typeof err === 'object' && ((err as { name?: unknown }).name === 'AbortError' || (err as { code?: unknown }).code === 'cancelled');
}

export class CompareDetail {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private run: AbortController | undefined;
  private chart: DrawnChart | undefined;
  private chartBox: HTMLElement | undefined;
  private state: Shown | undefined;

  constructor(
    private readonly host: DetailRequests,
    private readonly drawChart: ChartDrawer,
  ) {
    this.title = el('p', { className: 'stats-path' });
    this.body = el('div', { className: 'stats-body' }, [el('p', { className: 'section-note' }, ['Choose a changed tensor (click its row, or move with the arrow keys and press Enter) to see both sides\u2019 statistics and a histogram of the difference.'])]);
    this.element = el('section', { className: 'block stats-panel compare-detail', attrs: { 'aria-label': 'Tensor detail' } }, [el('h2', {}, ['Tensor detail']), this.title, this.body]);
  }

  /** Shows the pair's detail; resolves once it (or an error, or the cancellation) is shown. */
  async show(pathA: string, pathB: string, dtype: string): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    this.reset(pathA === pathB ? pathA : `${pathA} ↔ ${pathB}`, pathA);
    const progress = el('progress', { attrs: { max: '1', 'aria-label': `Reading ${pathA} in both files` } });
    progress.value = 0;
    const text = el('span', { className: 'progress-text' });
    const cancel = el('button', { className: 'action secondary', attrs: { type: 'button' } }, ['Cancel']);
    cancel.addEventListener('click', () => run.abort());
    this.body.replaceChildren(el('p', { className: 'stats-status', attrs: { role: 'status' } }, ['Computing statistics of A, B and B − A…']), el('div', { className: 'progress-row' }, [progress, text, cancel]));
    try {
      const detail = await this.host.request('tensorDetail', { pathA, pathB }, {
        signal: run.signal,
        onProgress: (p) => {
          progress.max = Math.max(1, p.total);
          progress.value = Math.min(p.done, p.total);
          text.textContent = percentText(p.done, p.total);
        },
      });
      if (this.run === run) this.showDetail(pathA, dtype, detail);
    } catch (err) {
      if (this.run !== run) return;
      const message = isCancel(err) ? 'Cancelled.' : err instanceof Error ? err.message : String(err);
      this.state = { path: pathA, state: isCancel(err) ? 'cancelled' : 'error', cells: {}, message };
      this.body.replaceChildren(el('p', { className: isCancel(err) ? 'stats-status' : 'stats-error', attrs: { role: isCancel(err) ? 'status' : 'alert' } }, [message]));
    } finally {
      if (this.run === run) this.run = undefined;
    }
  }

  private showDetail(path: string, dtype: string, d: TensorDetail): void {
    const rowsA = statRows(d.a, dtype);
    const rowsB = statRows(d.b, dtype);
    const cells: Record<string, [string, string]> = {};
    const rows = rowsA.map((ra, i) => {
      const rb = rowsB[i]!;
      cells[ra.label] = [ra.text, rb.text];
      return el('tr', {}, [el('th', { attrs: { scope: 'row' } }, [ra.label]), el('td', { className: 'num', title: ra.exact }, [ra.text]), el('td', { className: 'num', title: rb.exact }, [rb.text])]);
    });
    const table = el('table', { className: 'grid stats-table side-by-side' }, [
      el('caption', { className: 'visually-hidden' }, [`Statistics of ${path} in A and in B`]),
      el('thead', {}, [el('tr', {}, [el('th', { attrs: { scope: 'col' } }, ['']), el('th', { className: 'num', attrs: { scope: 'col' } }, ['A']), el('th', { className: 'num', attrs: { scope: 'col' } }, ['B'])])]),
      el('tbody', {}, rows),
    ]);
    const diffRows = statRows(d.difference, 'float64').filter((r) => ['min', 'max', 'mean', 'std', 'zeros', 'NaN'].includes(r.label));
    const diffTable = el('table', { className: 'grid stats-table' }, [
      el('caption', { className: 'visually-hidden' }, [`Statistics of the difference B − A of ${path}`]),
      el('tbody', {}, diffRows.map((r) => el('tr', {}, [el('th', { attrs: { scope: 'row' } }, [r.label === 'zeros' ? 'equal elements' : r.label]), el('td', { className: 'num', title: r.exact }, [r.text])]))),
    ]);
    const label = `Difference B − A. ${histogramSummary(d.difference)}`;
    this.chartBox = el('div', { className: 'histogram', attrs: { role: 'img', 'aria-label': label } });
    this.body.replaceChildren(table, el('h3', {}, ['Difference B − A']), diffTable, this.chartBox, el('p', { className: 'section-note' }, ['Computed in float64 from both files; NaN and ±Inf differences are counted but left out of the histogram (64 bins between the smallest and largest difference).']));
    if (hasHistogram(d.difference)) this.chart = this.drawChart(this.chartBox, d.difference);
    else this.chartBox.replaceChildren(el('p', { className: 'section-note' }, ['No finite differences: nothing to draw.']));
    this.state = { path, state: 'shown', cells, chart: { label, drawn: false } };
  }

  shown(): Shown | undefined {
    if (!this.state) return undefined;
    return this.state.chart && this.chartBox ? { ...this.state, chart: { label: this.chartBox.getAttribute('aria-label') ?? '', drawn: this.chart?.drawn() ?? false } } : this.state;
  }

  dispose(): void {
    this.run?.abort();
    this.chart?.dispose();
  }

  private reset(title: string, path: string): void {
    this.chart?.dispose();
    this.chart = undefined;
    this.chartBox = undefined;
    this.state = { path, state: 'running', cells: {} };
    this.title.textContent = title;
  }
}
