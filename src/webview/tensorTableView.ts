// The tensor table: filter box, sortable columns, and only the rows in view in the DOM, so a
// checkpoint with tens of thousands of tensors scrolls and filters without lag.
import type { TensorInfo } from '../core/inspect/report';
import { el } from './dom';
import { formatBytes, formatCount, formatInteger, plural } from '../core/format';
import type { SortKey, SortSpec, TensorRow } from './tensorQuery';
import { filterRows, nextSort, sortRows, toRows } from './tensorQuery';
import { rowWindow } from './virtualWindow';

/** Matches `tr.row` height in media/inspector.css; re-measured after the first render. */
const DEFAULT_ROW_HEIGHT = 22;

interface ColumnDef {
  key: SortKey | 'sha256';
  title: string;
  numeric: boolean;
}

export interface TensorTableOptions {
  tensors: readonly TensorInfo[];
  filter: string;
  sort: SortSpec;
  /** Filter or sort changed: the page persists them. */
  onViewChange: (filter: string, sort: SortSpec) => void;
  /** Extra controls for the toolbar (the sha256 button). */
  toolbar?: readonly HTMLElement[];
}

export class TensorTableView {
  readonly element: HTMLElement;
  private readonly rows: TensorRow[];
  private readonly columns: ColumnDef[];
  private shown: TensorRow[] = [];
  private filter: string;
  private sort: SortSpec;
  private rowHeight = DEFAULT_ROW_HEIGHT;
  private measured = false;
  private frame = 0;
  private pendingQuery = false;
  private readonly scroller: HTMLDivElement;
  private readonly body: HTMLTableSectionElement;
  private readonly headerCells = new Map<string, HTMLTableCellElement>();
  private readonly count: HTMLSpanElement;
  private readonly input: HTMLInputElement;

  constructor(private readonly options: TensorTableOptions) {
    this.rows = toRows(options.tensors);
    this.filter = options.filter;
    this.sort = options.sort;
    const hashed = this.rows.some((r) => r.sha256 !== undefined);
    this.columns = [
      { key: 'path', title: 'Path', numeric: false },
      { key: 'dtype', title: 'Dtype', numeric: false },
      { key: 'shape', title: 'Shape', numeric: false },
      { key: 'elements', title: 'Elements', numeric: true },
      { key: 'bytes', title: 'Bytes', numeric: true },
      ...(hashed ? [{ key: 'sha256' as const, title: 'sha256', numeric: false }] : []),
    ];

    this.input = el('input', { className: 'filter', attrs: { type: 'search', placeholder: 'Filter by path, dtype or shape', 'aria-label': 'Filter tensors', spellcheck: 'false' } });
    this.input.value = this.filter;
    this.input.addEventListener('input', () => {
      this.filter = this.input.value;
      this.schedule(true);
    });
    this.count = el('span', { className: 'count', attrs: { 'aria-live': 'polite' } });

    const headRow = el(
      'tr',
      {},
      this.columns.map((c) => {
        const th = el('th', { className: `col-${c.key}${c.numeric ? ' num' : ''}`, attrs: { scope: 'col' } });
        if (c.key === 'sha256') {
          th.appendChild(document.createTextNode(c.title));
        } else {
          const key = c.key;
          const button = el('button', { className: 'sort', attrs: { type: 'button' } }, [c.title]);
          button.addEventListener('click', () => this.setSort(nextSort(this.sort, key)));
          th.appendChild(button);
        }
        this.headerCells.set(c.key, th);
        return th;
      }),
    );
    const colgroup = el('colgroup', {}, this.columns.map((c) => el('col', { className: `col-${c.key}` })));
    this.body = el('tbody');
    this.scroller = el('div', { className: 'table-scroll', attrs: { tabindex: '0' } }, [el('table', { className: 'grid tensor-table' }, [colgroup, el('thead', {}, [headRow]), this.body])]);
    this.scroller.addEventListener('scroll', () => this.schedule(false), { passive: true });

    this.element = el('section', { className: 'block tensors' }, [
      el('div', { className: 'toolbar' }, [el('h2', {}, ['Tensors']), this.input, this.count, ...(options.toolbar ?? [])]),
      this.scroller,
    ]);
    this.recompute();
  }

  /** Call once the element is in the document, so row heights and the viewport can be measured. */
  attached(): void {
    this.renderWindow();
  }

  private setSort(sort: SortSpec): void {
    this.sort = sort;
    this.recompute();
    this.options.onViewChange(this.filter, this.sort);
  }

  /** Coalesces bursts of typing or scrolling into one update per frame. */
  private schedule(requery: boolean): void {
    if (requery) this.pendingQuery = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.pendingQuery) {
        this.pendingQuery = false;
        this.recompute();
        this.options.onViewChange(this.filter, this.sort);
      } else {
        this.renderWindow();
      }
    });
  }

  private recompute(): void {
    this.shown = sortRows(filterRows(this.rows, this.filter), this.sort);
    this.count.textContent =
      this.shown.length === this.rows.length ? plural(this.rows.length, 'tensor') : `${formatInteger(this.shown.length)} of ${plural(this.rows.length, 'tensor')}`;
    for (const [key, th] of this.headerCells) {
      if (key === this.sort.key) th.setAttribute('aria-sort', this.sort.direction === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    this.renderWindow();
  }

  private renderWindow(): void {
    const viewport = this.scroller.clientHeight || 600;
    const win = rowWindow(this.shown.length, this.rowHeight, this.scroller.scrollTop, viewport);
    const fragment = document.createDocumentFragment();
    if (win.padTop > 0) fragment.appendChild(this.spacer(win.padTop));
    for (let i = win.start; i < win.end; i++) fragment.appendChild(this.renderRow(this.shown[i]));
    if (win.padBottom > 0) fragment.appendChild(this.spacer(win.padBottom));
    if (this.shown.length === 0) {
      fragment.appendChild(el('tr', { className: 'empty' }, [el('td', { attrs: { colspan: String(this.columns.length) } }, [this.rows.length === 0 ? 'No tensors in this file.' : 'No tensor matches the filter.'])]));
    }
    this.body.replaceChildren(fragment);
    if (!this.measured && win.end > win.start && this.scroller.isConnected) {
      const first = this.body.querySelector('tr.row');
      const height = first ? first.getBoundingClientRect().height : 0;
      this.measured = true;
      if (height > 0 && Math.abs(height - this.rowHeight) > 0.5) {
        this.rowHeight = height;
        this.renderWindow();
      }
    }
  }

  private spacer(height: number): HTMLTableRowElement {
    const tr = el('tr', { className: 'spacer', attrs: { 'aria-hidden': 'true' } });
    // CSSOM, not a style attribute: the CSP forbids inline style attributes.
    tr.style.height = `${height}px`;
    return tr;
  }

  private renderRow(row: TensorRow): HTMLTableRowElement {
    const cells: HTMLTableCellElement[] = [
      el('td', { className: 'col-path', title: row.path }, [row.path]),
      el('td', { className: 'col-dtype' }, [row.dtype]),
      el('td', { className: 'col-shape', title: row.shapeText }, [row.shapeText]),
      el('td', { className: 'num', title: formatInteger(row.elements) }, [formatCount(row.elements)]),
      el('td', { className: 'num', title: `${formatInteger(row.bytes)} bytes` }, [formatBytes(row.bytes)]),
    ];
    if (this.columns.length > 5) cells.push(el('td', { className: 'col-sha256', title: row.sha256 ?? '' }, [row.sha256 ? row.sha256.slice(0, 16) : '']));
    return el('tr', { className: 'row' }, cells);
  }
}
