// The inspector webview's entry: connects to the host over RpcEndpoint, says `ready`, renders the
// events the host sends, and asks the host for statistics as the user selects tensors.
import { unpackReport } from '../core/inspect/tensorColumns';
import { RpcEndpoint } from '../core/rpc/rpcEndpoint';
import type { Handlers } from '../core/rpc/rpcEndpoint';
import type { HostEvent, HostMethods, ShownStats, WebviewEvent, WebviewMethods } from '../shared/protocol';
import { assertNever } from '../shared/assertNever';
import { el } from './dom';
import { baseName } from './format';
import { drawHistogram } from './histogramChart';
import { renderError } from './renderError';
import type { ReportPage } from './renderReport';
import { renderReportPage, setHashing } from './renderReport';
import type { ViewState } from './viewState';
import { parseViewState } from './viewState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let view = parseViewState(vscode.getState());
let page: ReportPage | null = null;
let hashing = false;

function saveView(change: Partial<ViewState>): void {
  view = { ...view, ...change };
  vscode.setState(view);
}

function show(content: HTMLElement, next: ReportPage | null = null): void {
  page?.stats.dispose();
  page = next;
  document.body.replaceChildren(content);
}

const nothingShown: ShownStats = { panel: 'idle', cells: {} };

/** What the host may ask (the integration tests do, through the internal testing command). */
const handlers: Handlers<WebviewMethods> = {
  selectTensor: async ({ path }) => {
    if (!page) return nothingShown;
    await page.select(path);
    return page.stats.shown();
  },
  scanNonFinite: async () => {
    if (!page) return nothingShown;
    await page.stats.scan();
    return page.stats.shown();
  },
  shown: () => page?.stats.shown() ?? nothingShown,
};

const host = new RpcEndpoint<WebviewMethods, HostMethods, WebviewEvent, HostEvent>((m) => vscode.postMessage(m), handlers, (event) => handle(event));

function handle(message: HostEvent): void {
  switch (message.type) {
    case 'loading':
      show(el('main', { className: 'loading' }, [el('p', {}, [`Inspecting ${baseName(message.file)}…`])]));
      break;
    case 'report': {
      const next = renderReportPage({
        report: unpackReport(message.report),
        hashed: message.hashed,
        hashing,
        ...(message.mark ? { mark: message.mark } : {}),
        filter: view.filter,
        sort: view.sort,
        onViewChange: (filter, sort) => saveView({ filter, sort }),
        onComputeHashes: () => void host.request('computeHashes', {}).catch(() => undefined),
        onCopy: (text, what) => host.request('copy', { text, what }),
        actions: {
          onExport: () => void host.request('exportForInference', {}).catch(() => undefined),
          onCopyCode: (kind) => void host.request('copyCode', { kind }).catch(() => undefined),
        },
        stats: {
          host,
          drawChart: drawHistogram,
          selected: view.selected,
          onSelected: (path) => saveView({ selected: path }),
        },
      });
      show(next.element, next);
      next.attached();
      break;
    }
    case 'error':
      show(renderError(message.error));
      break;
    case 'hashing':
      hashing = message.running;
      if (page?.hashButton) setHashing(page.hashButton, hashing);
      break;
    case 'startScan':
      void page?.stats.scan();
      break;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => host.receive(event.data));
host.emit({ type: 'ready' });
