// The tensor table: filter box, sortable columns, and only the rows in view in the DOM, so a
// checkpoint with tens of thousands of tensors scrolls and filters without lag. Paths and hashes
// are shown whole (the columns are as wide as the longest), and hashes can be copied.
import type { TensorInfo } from '../core/inspect/report';
import { devicesNeedingMapLocation, savedDevices } from '../core/inspect/savedDevices';
import { CopyStatus } from './copyStatus';
import { el } from './dom';
import { formatBytes, formatCount, formatInteger, plural } from '../core/format';
import type { SortKey, SortSpec, TensorRow } from './tensorQuery';
import { filterRows, hashesJson, nextSort, sortRows, toRows } from './tensorQuery';
import { rowWindow } from './virtualWindow';

/** Matches `tr.row` height in media/inspector.css; re-measured after the first render. */
const DEFAULT_ROW_HEIGHT = 22;
/** The path column fits the longest path up to this many characters (a hostile name can be any length). */
const MAX_PATH_CHARS = 400;
const MIN_PATH_CHARS = 16;
const SHA256_CHARS = 64;

interface ColumnDef {
  key: SortKey | 'sha256' | 'device' | 'shard';
  title: string;
  numeric: boolean;
}

/** The keys that move through the table a page or to an end, as in any list. */
const NAVIGATION_KEYS = new Set(['Home', 'End', 'PageUp', 'PageDown']);

export interface TensorTableOptions {
  tensors: readonly TensorInfo[];
  filter: string;
  sort: SortSpec;
  /** Filter or sort changed: the page persists them. */
  onViewChange: (filter: string, sort: SortSpec) => void;
  /** Extra controls for the toolbar (the sha256 button). */
  toolbar?: readonly HTMLElement[];
  /** Put `text` on the clipboard; `what` names it for the confirmation, shown once this settles. */
  onCopy?: (text: string, what: string) => Promise<void>;
  /** A row was chosen (clicked, or Enter on the row the arrow keys moved to). */
  onSelect?: (path: string) => void;
  /** The path selected at first (a selection kept across reloads). */
  selected?: string;
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
  private readonly status: HTMLSpanElement;
  private readonly input: HTMLInputElement;
  private readonly cols = new Map<string, HTMLTableColElement>();
  private readonly hashed: boolean;
  private readonly showDevice: boolean;
  private readonly showShard: boolean;
  private readonly copyStatus: CopyStatus;
  /** The row the arrow keys are on (an index into `shown`), -1 for none. */
  private cursor = -1;
  private selectedPath: string | undefined;

  constructor(private readonly options: TensorTableOptions) {
    this.rows = toRows(options.tensors);
    this.selectedPath = options.selected;
    this.filter = options.filter;
    this.sort = options.sort;
    this.hashed = this.rows.some((r) => r.sha256 !== undefined);
    // A device column only says something when some tensor was not saved from the CPU.
    this.showDevice = devicesNeedingMapLocation(savedDevices(options.tensors)).length > 0;
    // A shard column for a sharded set: which file holds each tensor.
    this.showShard = this.rows.some((r) => r.file !== undefined);
    this.columns = [
      { key: 'path', title: 'Path', numeric: false },
      { key: 'dtype', title: 'Dtype', numeric: false },
      { key: 'shape', title: 'Shape', numeric: false },
      ...(this.showDevice ? [{ key: 'device' as const, title: 'Device', numeric: false }] : []),
      ...(this.showShard ? [{ key: 'shard' as const, title: 'Shard', numeric: false }] : []),
      { key: 'elements', title: 'Elements', numeric: true },
      { key: 'bytes', title: 'Bytes', numeric: true },
      ...(this.hashed ? [{ key: 'sha256' as const, title: 'sha256', numeric: false }] : []),
    ];

    this.input = el('input', { className: 'filter', attrs: { type: 'search', placeholder: 'Filter by path, dtype or shape', 'aria-label': 'Filter tensors', spellcheck: 'false' } });
    this.input.value = this.filter;
    this.input.addEventListener('input', () => {
      this.filter = this.input.value;
      this.schedule(true);
    });
    this.count = el('span', { className: 'count', attrs: { 'aria-live': 'polite' } });
    this.status = el('span', { className: 'copy-status', attrs: { role: 'status' } });
    this.copyStatus = new CopyStatus(this.status);
    const copyAll = this.hashed && options.onCopy ? this.copyAllButton() : null;

    const headRow = el(
      'tr',
      {},
      this.columns.map((c) => {
        const th = el('th', { className: `col-${c.key}${c.numeric ? ' num' : ''}`, attrs: { scope: 'col' } });
        if (c.key === 'sha256' || c.key === 'device' || c.key === 'shard') {
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
    const colgroup = el(
      'colgroup',
      {},
      this.columns.map((c) => {
        const col = el('col', { className: `col-${c.key}` });
        this.cols.set(c.key, col);
        return col;
      }),
    );
    this.body = el('tbody');
    const keys = options.onSelect ? 'the arrow keys choose a row and Enter shows its statistics; ' : '';
    this.scroller = el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'region', 'aria-label': `Tensors (${keys}Home, End, Page Up and Page Down move through the list)` } }, [
      el('table', { className: 'grid tensor-table' }, [colgroup, el('thead', {}, [headRow]), this.body]),
    ]);
    this.scroller.addEventListener('scroll', () => this.schedule(false), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));

    this.element = el('section', { className: 'block tensors' }, [
      el('div', { className: 'toolbar' }, [el('h2', {}, ['Tensors']), this.input, this.count, ...(options.toolbar ?? []), copyAll, this.status]),
      this.scroller,
    ]);
    this.recompute();
  }

  /** Call once the element is in the document, so row heights, character widths and the viewport can be measured. */
  attached(): void {
    this.sizeColumns();
    this.renderWindow();
  }

  /**
   * Widens the path and sha256 columns to their longest value, so nothing is cut off; the table
   * scrolls sideways instead. Measured in the cells' own (monospace) font.
   */
  private sizeColumns(): void {
    const probe = el('span', {}, ['0'.repeat(100)]);
    const row = el('tr', { className: 'row', attrs: { 'aria-hidden': 'true' } }, [el('td', { className: 'col-path' }, [probe])]);
    this.body.appendChild(row);
    const charWidth = probe.getBoundingClientRect().width / 100;
    row.remove();
    if (!(charWidth > 0)) return;
    const longest = this.rows.reduce((m, r) => Math.max(m, r.shownPath.length), 0);
    const pathChars = Math.min(MAX_PATH_CHARS, Math.max(MIN_PATH_CHARS, longest));
    // Two characters of room for the cell's padding.
    this.cols.get('path')?.style.setProperty('width', `${Math.ceil((pathChars + 2) * charWidth)}px`);
    // The hash, and room for its copy button.
    this.cols.get('sha256')?.style.setProperty('width', `${Math.ceil((SHA256_CHARS + 2) * charWidth) + 64}px`);
  }

  /** The selected path, if any. */
  get selected(): string | undefined {
    return this.selectedPath;
  }

  /** Marks the row of `path` as selected and scrolls it into view (without calling onSelect). */
  reveal(path: string): void {
    this.selectedPath = path;
    const index = this.shown.findIndex((r) => r.path === path);
    if (index >= 0) {
      this.cursor = index;
      this.scrollToIndex(index);
    } else {
      this.renderWindow();
    }
  }

  private choose(index: number): void {
    const row = this.shown[index];
    if (!row || !this.options.onSelect) return;
    this.cursor = index;
    this.selectedPath = row.path;
    this.renderWindow();
    this.options.onSelect(row.path);
  }

  /** Scrolls the table so row `index` shows below the sticky header, and renders it. */
  private scrollToIndex(index: number): void {
    const s = this.scroller;
    const header = this.body.parentElement?.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const top = index * this.rowHeight;
    const room = Math.max(this.rowHeight, s.clientHeight - header);
    if (top < s.scrollTop) s.scrollTop = top;
    else if (top + this.rowHeight > s.scrollTop + room) s.scrollTop = top + this.rowHeight - room;
    this.renderWindow();
  }

  /** Arrow keys move the cursor row, Enter chooses it. */
  private onArrowKey(e: KeyboardEvent): boolean {
    if (!this.options.onSelect || e.altKey || e.metaKey || e.ctrlKey) return false;
    if (e.key === 'Enter') {
      if (this.cursor < 0) return false;
      e.preventDefault();
      this.choose(this.cursor);
      return true;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return false;
    if (this.shown.length === 0) return false;
    e.preventDefault();
    const first = Math.min(this.shown.length - 1, Math.floor(this.scroller.scrollTop / this.rowHeight));
    const next = this.cursor < 0 ? first : this.cursor + (e.key === 'ArrowDown' ? 1 : -1);
    this.cursor = Math.max(0, Math.min(this.shown.length - 1, next));
    this.scrollToIndex(this.cursor);
    const row = this.shown[this.cursor]!;
    this.copyStatus.show(`${row.shownPath}: row ${formatInteger(this.cursor + 1)} of ${formatInteger(this.shown.length)}, Enter shows its statistics.`, false);
    return true;
  }

  /** Home, End, Page Up, Page Down: move the list, and bring the row they land on into the page's view too. */
  private onKey(e: KeyboardEvent): void {
    if (this.onArrowKey(e)) return;
    if (!NAVIGATION_KEYS.has(e.key) || e.altKey || e.metaKey) return;
    e.preventDefault();
    const s = this.scroller;
    const header = this.body.parentElement?.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const page = Math.max(this.rowHeight, s.clientHeight - header - this.rowHeight);
    if (e.key === 'Home') s.scrollTop = 0;
    else if (e.key === 'End') s.scrollTop = s.scrollHeight;
    else s.scrollTop += e.key === 'PageDown' ? page : -page;
    // Render now, not on the next frame: the row to reveal must exist.
    this.renderWindow();
    if (document.activeElement !== s) s.focus({ preventScroll: true });
    const rows = this.body.querySelectorAll('tr.row');
    const target = e.key === 'End' ? rows[rows.length - 1] : null;
    // The table may sit below the fold: scroll the page so the table (or the last row) shows.
    (target ?? s).scrollIntoView({ block: 'nearest' });
  }

  private copyAllButton(): HTMLButtonElement {
    const button = el('button', { className: 'action secondary', title: 'Copy the sha256 of every tensor shown (the filter applies) as a JSON object, path to hash', attrs: { type: 'button' } }, ['Copy sha256 as JSON']);
    button.addEventListener('click', () => {
      const hashed = this.shown.filter((r) => r.sha256 !== undefined).length;
      this.copy(hashesJson(this.shown), `the sha256 of ${plural(hashed, 'tensor')} as JSON`);
    });
    return button;
  }

  private copy(text: string, what: string): void {
    if (this.options.onCopy) void this.copyStatus.track(this.options.onCopy(text, what), what);
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
    this.cursor = this.selectedPath === undefined ? -1 : this.shown.findIndex((r) => r.path === this.selectedPath);
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
    for (let i = win.start; i < win.end; i++) fragment.appendChild(this.renderRow(this.shown[i], i));
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

  private renderRow(row: TensorRow, index: number): HTMLTableRowElement {
    const cells: HTMLTableCellElement[] = [
      el('td', { className: 'col-path', title: row.path }, [row.shownPath]),
      el('td', { className: 'col-dtype' }, [row.dtype]),
      el('td', { className: 'col-shape', title: row.shapeText }, [row.shapeText]),
    ];
    if (this.showDevice) cells.push(el('td', { className: 'col-device' }, [row.device ?? '']));
    if (this.showShard) cells.push(el('td', { className: 'col-shard', title: row.chunksText ? `${row.chunksText.split('\n').length} chunks (file, offsets, sizes):\n${row.chunksText}` : (row.file ?? '') }, [row.file ?? '']));
    cells.push(
      el('td', { className: 'num', title: formatInteger(row.elements) }, [formatCount(row.elements)]),
      el('td', { className: 'num', title: `${formatInteger(row.bytes)} bytes` }, [formatBytes(row.bytes)]),
    );
    if (this.hashed) cells.push(this.hashCell(row));
    if (!this.options.onSelect) return el('tr', { className: 'row' }, cells);
    const selected = row.path === this.selectedPath;
    const className = `row selectable${selected ? ' selected' : ''}${index === this.cursor ? ' cursor' : ''}`;
    const tr = el('tr', { className, attrs: { 'aria-selected': selected ? 'true' : 'false' } }, cells);
    tr.addEventListener('click', (e) => {
      // A click on the row's copy button copies; it does not select.
      if ((e.target as Element | null)?.closest?.('button')) return;
      this.choose(index);
    });
    return tr;
  }

  private hashCell(row: TensorRow): HTMLTableCellElement {
    const hash = row.sha256;
    if (!hash) return el('td', { className: 'col-sha256' });
    const cell = el('td', { className: 'col-sha256' }, [el('span', { className: 'hash' }, [hash])]);
    if (this.options.onCopy) {
      const button = el('button', { className: 'copy', title: 'Copy sha256', attrs: { type: 'button', 'aria-label': `Copy sha256 of ${row.path}` } }, ['Copy']);
      button.addEventListener('click', () => this.copy(hash, `the sha256 of ${row.shownPath}`));
      cell.appendChild(button);
    }
    return cell;
  }
}
