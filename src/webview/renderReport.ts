// The whole page for a report, top to bottom.
import type { InspectReport } from '../core/inspect/report';
import { el } from './dom';
import { renderHeader } from './renderHeader';
import { renderModelCheckpoints } from './renderModelCheckpoints';
import { renderOptimizers } from './renderOptimizers';
import { renderSecurity } from './renderSecurity';
import { renderTies } from './renderTies';
import { renderArchitecture, renderConfig, renderKeys, renderLayers, renderMetrics, renderSidecar } from './renderSections';
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
  onCopy: (text: string, what: string) => void;
}

export interface ReportPage {
  element: HTMLElement;
  table: TensorTableView;
  hashButton: HTMLButtonElement | null;
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
  const table = new TensorTableView({
    tensors: report.tensors,
    filter: options.filter,
    sort: options.sort,
    onViewChange: options.onViewChange,
    toolbar: hashButton ? [hashButton] : [],
    onCopy: options.onCopy,
  });
  const element = el('main', { className: 'report' }, [
    renderHeader(report),
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
    table.element,
  ]);
  return { element, table, hashButton };
}
