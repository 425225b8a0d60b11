// The compare report webview's entry (bundled as dist/compareView.js): connects to the host over
// RpcEndpoint, says `ready`, renders the report the host sends, and asks for a tensor pair's
// detail as the user chooses rows. The tables' filters are kept with setState.
import { RpcEndpoint } from '../core/rpc/rpcEndpoint';
import type { Handlers } from '../core/rpc/rpcEndpoint';
import type { CompareHostEvent, CompareHostMethods, CompareWebviewEvent, CompareWebviewMethods, ShownCompare } from '../shared/compareProtocol';
import { drawHistogram } from './histogramChart';
import { drawLayerChart } from './layerChart';
import type { ComparePage } from './renderCompare';
import { renderComparePage } from './renderCompare';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { filters?: unknown } | undefined;
const filters: Record<string, string> = {};
if (saved && typeof saved.filters === 'object' && saved.filters) for (const [k, v] of Object.entries(saved.filters)) if (typeof v === 'string') filters[k] = v;
let page: ComparePage | null = null;

const nothing: ShownCompare = { summary: '', counts: {}, rows: {} };

const handlers: Handlers<CompareWebviewMethods> = {
  selectTensor: async ({ path }) => {
    if (!page) return nothing;
    await page.select(path);
    return page.shown();
  },
  shown: () => page?.shown() ?? nothing,
};

const host = new RpcEndpoint<CompareWebviewMethods, CompareHostMethods, CompareWebviewEvent, CompareHostEvent>((m) => vscode.postMessage(m), handlers, (event) => {
  switch (event.type) {
    case 'report': {
      page?.dispose();
      page = renderComparePage({
        report: event.report,
        layers: event.layers,
        names: event.names,
        host,
        drawLayers: drawLayerChart,
        drawHistogram,
        filters,
        onFilter: (table, filter) => {
          filters[table] = filter;
          vscode.setState({ filters });
        },
      });
      document.body.replaceChildren(page.element);
      page.attached();
      break;
    }
  }
});

window.addEventListener('message', (event: MessageEvent<unknown>) => host.receive(event.data));
host.emit({ type: 'ready' });
