// The inspector webview's entry: says `ready`, then renders whatever the host sends.
import type { HostMessage, WebviewMessage } from '../shared/protocol';
import { assertNever } from '../shared/assertNever';
import { el } from './dom';
import { baseName } from './format';
import { renderError } from './renderError';
import type { ReportPage } from './renderReport';
import { renderReportPage, setHashing } from './renderReport';
import type { ViewState } from './viewState';
import { parseViewState } from './viewState';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let view = parseViewState(vscode.getState());
let page: ReportPage | null = null;
let hashing = false;

function show(content: HTMLElement): void {
  document.body.replaceChildren(content);
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'loading':
      page = null;
      show(el('main', { className: 'loading' }, [el('p', {}, [`Inspecting ${baseName(message.file)}…`])]));
      break;
    case 'report': {
      page = renderReportPage({
        report: message.report,
        hashed: message.hashed,
        hashing,
        filter: view.filter,
        sort: view.sort,
        onViewChange: (filter, sort) => {
          view = { filter, sort };
          vscode.setState(view);
        },
        onComputeHashes: () => vscode.postMessage({ type: 'computeHashes' }),
        onCopy: (text, what) => vscode.postMessage({ type: 'copy', text, what }),
      });
      show(page.element);
      page.table.attached();
      break;
    }
    case 'error':
      page = null;
      show(renderError(message.error));
      break;
    case 'hashing':
      hashing = message.running;
      if (page?.hashButton) setHashing(page.hashButton, hashing);
      break;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => handle(event.data));
vscode.postMessage({ type: 'ready' });
