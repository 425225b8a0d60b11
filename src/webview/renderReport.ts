// The whole page for a report, top to bottom.
import type { InspectReport } from '../core/inspect/report';
import { el } from './dom';
import type { CodeActions } from './renderCodeActions';
import { renderCodeActions } from './renderCodeActions';
import { renderHeader } from './renderHeader';
import { renderMark } from './renderMark';
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import { renderModelCheckpoints } from './renderModelCheckpoints';
import { renderOptimizers } from './renderOptimizers';
import { renderSecurity } from './renderSecurity';
import { renderTies } from './renderTies';
import { renderArchitecture, renderConfig, renderKeys, renderLayers, renderMetrics, renderSidecar } from './renderSections';
import type { StatsRequests } from './statsController';
import { StatsController } from './statsController';
import type { ChartDrawer } from './statsPanel';
import type { SortSpec } from './tensorQuery';
import { TensorTableView } from './tensorTableView';

export interface ReportPageOptions {
  report: InspectReport;
  hashed: boolean;
  hashing: boolean;
  filter: string;
  sort: SortSpec;
  onViewChange: (filter: string, sort: SortSpec) => void;
  onComputeHashes: () => void;
  onCopy: (text: string, what: string) => Promise<void>;
  /** Export, and the load and resume code. */
  actions: CodeActions;
  /** The checkpoint's pin, note and archived copies, if any. */
  mark?: CheckpointMark;
  /** Statistics of the selected tensor and the NaN/Inf scan. */
  stats: {
    host: StatsRequests;
    drawChart: ChartDrawer;
    /** The tensor selected before the page was rebuilt, if any: selected again. */
    selected?: string;
    onSelected: (path: string) => void;
  };
}

export interface ReportPage {
  element: HTMLElement;
  table: TensorTableView;
  hashButton: HTMLButtonElement | null;
  stats: StatsController;
  /** Selects the tensor's row as a click does; resolves once its statistics are shown. */
  select(path: string): Promise<void>;
  /** Call once `element` is in the document. */
  attached(): void;
}

export function setHashing(button: HTMLButtonElement, running: boolean): void {
  button.disabled = running;
  button.textContent = running ? 'Computing sha256…' : 'Compute sha256';
}

export function renderReportPage(options: ReportPageOptions): ReportPage {
  const { report } = options;
  let hashButton: HTMLButtonElement | null = null;
  if (!options.hashed && report.tensors.length > 0) {
    hashButton = el('button', { className: 'action', title: 'Read every tensor and show the sha256 of its elements', attrs: { type: 'button' } });
    setHashing(hashButton, options.hashing);
    hashButton.addEventListener('click', () => options.onComputeHashes());
  }
  const dtypes = new Map(report.tensors.map((t) => [t.path, t.dtype]));
  const selected = options.stats.selected !== undefined && dtypes.has(options.stats.selected) ? options.stats.selected : undefined;
  const stats = new StatsController({
    host: options.stats.host,
    drawChart: options.stats.drawChart,
    dtypeOf: (path) => dtypes.get(path),
    tensorCount: report.tensors.length,
    reveal: (path) => table.reveal(path),
    onSelected: options.stats.onSelected,
  });
  const table: TensorTableView = new TensorTableView({
    tensors: report.tensors,
    filter: options.filter,
    sort: options.sort,
    onViewChange: options.onViewChange,
    toolbar: [...(hashButton ? [hashButton] : []), ...(report.tensors.length > 0 ? [stats.scanPanel.button] : [])],
    onCopy: options.onCopy,
    onSelect: (path) => void stats.select(path),
    selected,
  });
  const tensorArea = report.tensors.length > 0 ? el('div', { className: 'tensor-area' }, [table.element, el('aside', { className: 'stats-side' }, [stats.panel.element, stats.scanPanel.element])]) : table.element;
  const element = el('main', { className: 'report' }, [
    renderHeader(report),
    renderCodeActions(report, options.actions),
    renderMark(options.mark),
    renderSecurity(report.security, report.format),
    renderMetrics(report.metrics),
    renderModelCheckpoints(report.modelCheckpoints),
    renderArchitecture(report.architecture),
    renderConfig(report.config),
    renderOptimizers(report.optimizers),
    renderKeys(report.keys, report.modelKey),
    renderTies(report.tied),
    renderSidecar(report.sidecar),
    renderLayers(report.layers),
    tensorArea,
  ]);
  const select = (path: string): Promise<void> => {
    table.reveal(path);
    return stats.select(path);
  };
  return {
    element,
    table,
    hashButton,
    stats,
    select,
    attached: () => {
      table.attached();
      if (selected !== undefined) void select(selected);
    },
  };
}
