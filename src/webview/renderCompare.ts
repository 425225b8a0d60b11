// The compare report page: the summary (the plain sentence, the counts and bytes per category,
// the largest changes, the alignment note), the chart of rel_l2 per layer with its table
// alternative, a sortable, filterable table per category with the chosen tensor's detail beside
// the changed ones, the non-tensor differences, and the optimizer state apart.
import type { ChangedTensor, CompareReport, MismatchedTensor, TensorComparison } from '../core/compare/compareReport';
import type { ValueDiff } from '../core/compare/compareReport';
import type { LayerChanges } from '../core/compare/layerGroups';
import { formatBytes, formatInteger } from '../core/format';
import type { CompareNames, ShownCompare } from '../shared/compareProtocol';
import { collapsible, el, section, table } from './dom';
import type { Category } from './compareFormat';
import { CATEGORIES, CATEGORY_LABELS, countText, formatChange, largestChanges, layerChartLabel, layerRows, valueText } from './compareFormat';
import type { DetailRequests } from './compareDetail';
import { CompareDetail } from './compareDetail';
import { formatShape } from './format';
import type { LayerChartDrawer } from './layerChart';
import type { SortableColumn } from './sortableTable';
import { SortableTable } from './sortableTable';
import type { ChartDrawer, DrawnChart } from './statsPanel';

export interface ComparePageOptions {
  report: CompareReport;
  layers: LayerChanges;
  names: CompareNames;
  host: DetailRequests;
  drawLayers: LayerChartDrawer;
  drawHistogram: ChartDrawer;
  /** Filters kept across reloads, per table. */
  filters: Record<string, string>;
  onFilter: (table: string, filter: string) => void;
}

export interface ComparePage {
  element: HTMLElement;
  /** Draws the chart: call once the element is in the document. */
  attached(): void;
  /** Chooses a changed (model or optimizer) tensor as a click would; resolves once its detail is shown. */
  select(path: string): Promise<void>;
  shown(): ShownCompare;
  dispose(): void;
}

const code = (text: string): HTMLElement => el('code', {}, [text]);

function changedColumns(): Array<SortableColumn<ChangedTensor>> {
  const stat = (title: string, key: 'rel_l2' | 'mean_abs_diff' | 'max_abs_diff' | 'cosine' | 'not_close'): SortableColumn<ChangedTensor> => ({
    title,
    numeric: true,
    value: (r) => r[key],
    cell: (r) => formatChange(r[key]),
    tooltip: (r) => (r.unsupported ? r.unsupported : String(r[key])),
  });
  return [
    { title: 'Path', value: (r) => r.path, cell: (r) => code(r.path_b ? `${r.path} ↔ ${r.path_b}` : r.path) },
    { title: 'dtype', value: (r) => r.dtype, cell: (r) => r.dtype },
    { title: 'Shape', value: (r) => r.shape.reduce((a, b) => a * b, 1), cell: (r) => formatShape(r.shape) },
    stat('rel_l2', 'rel_l2'),
    stat('mean |Δ|', 'mean_abs_diff'),
    stat('max |Δ|', 'max_abs_diff'),
    stat('cosine', 'cosine'),
    stat('not close', 'not_close'),
  ];
}

const pathColumns: Array<SortableColumn<string>> = [{ title: 'Path', value: (p) => p, cell: (p) => code(p) }];

const mismatchColumns: Array<SortableColumn<MismatchedTensor>> = [
  { title: 'Path', value: (r) => r.path, cell: (r) => code(r.path_b ? `${r.path} ↔ ${r.path_b}` : r.path) },
  { title: 'A', value: (r) => `${r.a.dtype} ${formatShape(r.a.shape)}`, cell: (r) => `${r.a.dtype} ${formatShape(r.a.shape)}` },
  { title: 'B', value: (r) => `${r.b.dtype} ${formatShape(r.b.shape)}`, cell: (r) => `${r.b.dtype} ${formatShape(r.b.shape)}` },
];

function valuesTable(values: readonly ValueDiff[], what: string): HTMLElement {
  if (values.length === 0) return el('p', { className: 'section-note' }, [`No ${what} differ.`]);
  return table(
    [
      { title: 'Key', cell: (v: ValueDiff) => code(v.key) },
      { title: 'A', cell: (v: ValueDiff) => valueText(v.a) },
      { title: 'B', cell: (v: ValueDiff) => valueText(v.b) },
    ],
    values,
    'grid values-table',
  );
}

function countsTable(c: TensorComparison): HTMLTableElement {
  const t = table(
    [
      { title: 'Category', cell: (k: Category) => CATEGORY_LABELS[k] },
      { title: 'Tensors', numeric: true, cell: (k: Category) => formatInteger(c.counts[k].tensors) },
      { title: 'Bytes', numeric: true, cell: (k: Category) => formatBytes(c.counts[k].bytes), tooltip: (k: Category) => `${c.counts[k].bytes} bytes` },
    ],
    CATEGORIES,
    'grid counts-table',
  );
  return t;
}

export function renderComparePage(o: ComparePageOptions): ComparePage {
  const { report, layers, names } = o;
  const detail = new CompareDetail(o.host, o.drawHistogram);
  const tables = new Map<string, { element: HTMLElement; readonly matched: number; markSelected(row: unknown): void }>();
  const byPath = new Map<string, ChangedTensor>();
  for (const c of [...report.changed, ...report.optimizer.changed]) if (!byPath.has(c.path)) byPath.set(c.path, c);
  const choose = (c: ChangedTensor): Promise<void> => {
    for (const t of tables.values()) t.markSelected(c);
    return detail.show(c.path, c.path_b ?? c.path, c.dtype);
  };
  const categoryTables = (prefix: string, c: TensorComparison): HTMLElement[] =>
    CATEGORIES.map((k) => {
      const id = `${prefix}.${k}`;
      const label = `${prefix === 'model' ? '' : 'Optimizer: '}${CATEGORY_LABELS[k]} (${formatInteger(c.counts[k].tensors)})`;
      const common = { label, filter: o.filters[id] ?? '', onViewChange: (filter: string) => o.onFilter(id, filter) };
      const t =
        k === 'changed'
          ? new SortableTable<ChangedTensor>({ ...common, columns: changedColumns(), rows: c.changed, pathOf: (r) => r.path, sort: { column: 3, descending: true }, onSelect: (r) => void choose(r) })
          : k === 'mismatched'
            ? new SortableTable<MismatchedTensor>({ ...common, columns: mismatchColumns, rows: c.mismatched, pathOf: (r) => r.path })
            : new SortableTable<string>({ ...common, columns: pathColumns, rows: c[k], pathOf: (p) => p });
      tables.set(id, t as { element: HTMLElement; readonly matched: number; markSelected(row: unknown): void });
      return collapsible(label, [t.element], k === 'changed' || (k !== 'identical' && c[k].length > 0));
    });

  const largest = largestChanges(report);
  const largestList = largest.length
    ? el('ol', { className: 'largest', attrs: { 'aria-label': 'Largest changes' } }, largest.map((c) => {
        const button = el('button', { className: 'link', attrs: { type: 'button' } }, [code(c.path)]);
        button.addEventListener('click', () => void choose(c));
        return el('li', {}, [button, ` rel_l2 ${formatChange(c.rel_l2)}, max |Δ| ${formatChange(c.max_abs_diff)}`]);
      }))
    : el('p', { className: 'section-note' }, ['No tensor changed.']);
  const summary = el('p', { className: 'compare-sentence' }, [report.summary]);
  const header = el('header', { className: 'header' }, [
    el('div', { className: 'title-row' }, [el('h1', {}, [`${names.a} ↔ ${names.b}`]), el('span', { className: `badge${report.equal ? '' : ' badge-changed'}` }, [report.equal ? 'equal' : 'different'])]),
    el('dl', { className: 'facts' }, [
      el('div', { className: 'fact' }, [el('dt', {}, ['A']), el('dd', {}, [code(report.a)])]),
      el('div', { className: 'fact' }, [el('dt', {}, ['B']), el('dd', {}, [code(report.b)])]),
      el('div', { className: 'fact' }, [el('dt', {}, ['compared']), el('dd', {}, [formatBytes(report.bytes_compared)])]),
    ]),
    summary,
    report.aligned ? el('p', { className: 'section-note alignment' }, [`Alignment: ${report.aligned}.`]) : null,
  ]);

  const chartLabel = layerChartLabel(layers);
  const chartBox = el('div', { className: 'layer-chart', attrs: { role: 'img', 'aria-label': chartLabel } });
  const chartRows = layerRows(layers);
  const chartTable = table(
    [
      { title: 'Position', cell: (r: (typeof chartRows)[number]) => r.position },
      { title: 'Module kind', cell: (r: (typeof chartRows)[number]) => r.kind },
      { title: 'Tensors', numeric: true, cell: (r: (typeof chartRows)[number]) => r.tensors },
      { title: 'Mean rel_l2', numeric: true, cell: (r: (typeof chartRows)[number]) => r.mean },
      { title: 'Largest rel_l2', numeric: true, cell: (r: (typeof chartRows)[number]) => r.max },
    ],
    chartRows,
    'grid layer-table',
  );
  let chart: DrawnChart | undefined;

  const element = el('main', { className: 'compare' }, [
    header,
    section('Summary', [countsTable(report), el('h3', {}, ['Largest changes (rel_l2 = ‖B − A‖ / ‖A‖)']), largestList]),
    section('Relative change per layer', [
      chartBox,
      el('p', { className: 'section-note' }, [`Mean rel_l2 of the model's tensors at each block, per module kind; identical tensors count as 0.${layers.skipped ? ` ${formatInteger(layers.skipped)} without a rel_l2 left out.` : ''}`]),
      collapsible('The chart as a table', [chartTable]),
    ]),
    el('div', { className: 'compare-area' }, [el('div', { className: 'compare-tables' }, [el('h2', {}, ['Model tensors']), ...categoryTables('model', report)]), el('div', { className: 'compare-side' }, [detail.element])]),
    section('Other differences', [el('p', { className: 'section-note' }, ['Step, epoch, metrics, config, architecture and sidecar values (meta_*.json, trainer_state.json), key by key.']), valuesTable(report.values, 'values')]),
    section('Optimizer state', [
      el('p', { className: 'section-note' }, ['Compared apart from the model.']),
      countsTable(report.optimizer),
      ...categoryTables('optimizer', report.optimizer),
      el('h3', {}, ['Optimizer settings']),
      valuesTable(report.optimizer.values, 'optimizer settings'),
    ]),
  ]);

  return {
    element,
    attached: () => {
      if (layers.groups.length) chart = o.drawLayers(chartBox, layers);
    },
    select: async (path) => {
      const c = byPath.get(path);
      if (c) await choose(c);
    },
    shown: () => {
      const counts: Record<string, string> = {};
      for (const k of CATEGORIES) counts[k] = countText(report, k);
      const rows: Record<string, number> = {};
      for (const [id, t] of tables) rows[id] = t.matched;
      const d = detail.shown();
      return { summary: summary.textContent ?? '', counts, rows, chart: { label: chartBox.getAttribute('aria-label') ?? '', drawn: chart?.drawn() ?? false }, ...(d ? { detail: d } : {}) };
    },
    dispose: () => {
      chart?.dispose();
      detail.dispose();
    },
  };
}
