// A small table with a filter box and sortable columns, for the compare report's categories:
// header buttons sort (aria-sort says how), the filter narrows rows by path, and rows can be
// chosen from the keyboard (arrow keys move, Enter or Space chooses) when the table has `onSelect`.
// At most MAX_ROWS rows are in the DOM; the count says how many the filter matched.
import { formatInteger } from '../core/format';
import type { Child } from './dom';
import { el } from './dom';
import { matchesFilter } from './compareFormat';

export interface SortableColumn<T> {
  title: string;
  numeric?: boolean;
  /** What the column sorts by. */
  value: (row: T) => string | number;
  cell: (row: T) => Child;
  tooltip?: (row: T) => string;
}

export interface SortableTableOptions<T> {
  /** The region's accessible name. */
  label: string;
  columns: ReadonlyArray<SortableColumn<T>>;
  rows: readonly T[];
  /** The text the filter matches. */
  pathOf: (row: T) => string;
  /** Column index and direction at first. */
  sort?: { column: number; descending: boolean };
  filter?: string;
  onSelect?: (row: T) => void;
  onViewChange?: (filter: string, sort: { column: number; descending: boolean }) => void;
}

const MAX_ROWS = 500;

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // Not-a-number values sort last either way.
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
  }
  return String(a).localeCompare(String(b));
}

export class SortableTable<T> {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly heads: HTMLTableCellElement[] = [];
  private readonly count: HTMLSpanElement;
  private sort: { column: number; descending: boolean };
  private filter: string;
  private shownRows: T[] = [];
  private selectedRow: T | undefined;

  constructor(private readonly options: SortableTableOptions<T>) {
    this.sort = options.sort ?? { column: 0, descending: false };
    this.filter = options.filter ?? '';
    const input = el('input', { className: 'filter', attrs: { type: 'search', placeholder: 'Filter by path', 'aria-label': `Filter ${options.label}` } });
    input.value = this.filter;
    input.addEventListener('input', () => {
      this.filter = input.value;
      this.render();
      this.options.onViewChange?.(this.filter, this.sort);
    });
    this.count = el('span', { className: 'count', attrs: { 'aria-live': 'polite' } });
    const headRow = el(
      'tr',
      {},
      options.columns.map((c, i) => {
        const button = el('button', { className: 'sort', attrs: { type: 'button' } }, [c.title]);
        button.addEventListener('click', () => {
          this.sort = this.sort.column === i ? { column: i, descending: !this.sort.descending } : { column: i, descending: !!c.numeric };
          this.render();
          this.options.onViewChange?.(this.filter, this.sort);
        });
        const th = el('th', { className: c.numeric ? 'num' : '', attrs: { scope: 'col' } }, [button]);
        this.heads.push(th);
        return th;
      }),
    );
    this.body = el('tbody');
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    const table = el('table', { className: 'grid compare-table' }, [el('caption', { className: 'visually-hidden' }, [options.label]), el('thead', {}, [headRow]), this.body]);
    this.element = el('div', { className: 'compare-table-area', attrs: { role: 'region', 'aria-label': options.label } }, [
      el('div', { className: 'toolbar' }, [input, this.count]),
      el('div', { className: 'table-scroll' }, [table]),
    ]);
    this.render();
  }

  /** Rows the filter lets through, in the order shown (all of them, not only those drawn). */
  get matched(): number {
    return this.shownRows.length;
  }

  /** Marks the row as chosen, as a click does (without calling onSelect). */
  markSelected(row: T | undefined): void {
    this.selectedRow = row;
    for (const tr of Array.from(this.body.rows)) tr.classList.toggle('selected', (tr as HTMLTableRowElement & { row?: T }).row === row);
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr') as (HTMLTableRowElement & { row?: T }) | null;
    if (!tr) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
      if (next?.tabIndex === 0) next.focus();
      e.preventDefault();
    } else if ((e.key === 'Enter' || e.key === ' ') && tr.row !== undefined && this.options.onSelect) {
      this.choose(tr.row);
      e.preventDefault();
    }
  }

  private choose(row: T): void {
    this.markSelected(row);
    this.options.onSelect?.(row);
  }

  private render(): void {
    const { columns, rows, pathOf } = this.options;
    const col = columns[this.sort.column]!;
    const sign = this.sort.descending ? -1 : 1;
    this.shownRows = rows.filter((r) => matchesFilter(pathOf(r), this.filter)).sort((a, b) => sign * compareValues(col.value(a), col.value(b)) || pathOf(a).localeCompare(pathOf(b)));
    this.heads.forEach((th, i) => th.setAttribute('aria-sort', i === this.sort.column ? (this.sort.descending ? 'descending' : 'ascending') : 'none'));
    const drawn = this.shownRows.slice(0, MAX_ROWS).map((row) => {
      const tr = el('tr', { className: this.options.onSelect ? 'row selectable' : 'row' }, columns.map((c) => el('td', { className: c.numeric ? 'num' : '', title: c.tooltip?.(row) }, [c.cell(row)]))) as HTMLTableRowElement & { row?: T };
      tr.row = row;
      if (this.options.onSelect) {
        tr.tabIndex = 0;
        tr.addEventListener('click', () => this.choose(row));
      }
      if (row === this.selectedRow) tr.classList.add('selected');
      return tr;
    });
    if (drawn.length === 0) drawn.push(el('tr', { className: 'empty' }, [el('td', { attrs: { colspan: String(columns.length) } }, [rows.length ? 'No tensor matches the filter.' : 'None.'])]) as HTMLTableRowElement);
    this.body.replaceChildren(...drawn);
    const n = this.shownRows.length;
    this.count.textContent = n > MAX_ROWS ? `first ${formatInteger(MAX_ROWS)} of ${formatInteger(n)} shown: filter to narrow` : n === rows.length ? formatInteger(n) : `${formatInteger(n)} of ${formatInteger(rows.length)}`;
  }
}
