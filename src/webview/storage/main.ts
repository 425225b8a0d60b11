// The storage report's page: one row per root, nanochat kind and run, each with its bytes as a
// stacked bar (model, optimizer, single-file checkpoints, the rest; the numbers beside it) and
// what the retention settings would reclaim there, with *Prune this* and *Open Run View*.
import { formatBytes, plural } from '../../core/format';
import { RpcEndpoint } from '../../core/rpc/rpcEndpoint';
import type { Handlers } from '../../core/rpc/rpcEndpoint';
import { assertNever } from '../../shared/assertNever';
import type { ShownStorage, StorageHostEvent, StorageHostMethods, StorageReportRow, StorageWebviewEvent, StorageWebviewMethods } from '../../shared/storageProtocol';
import { el } from '../dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

let shownRows: ShownStorage = { rows: [], policy: '' };

const PARTS = [
  { key: 'model', label: 'model' },
  { key: 'optimizer', label: 'optimizer' },
  { key: 'full', label: 'single-file' },
  { key: 'other', label: 'other' },
] as const;

function bar(row: StorageReportRow, max: number): HTMLElement {
  const segs = PARTS.map((p) => {
    const span = el('span', { className: `seg ${p.key}`, title: `${p.label}: ${formatBytes(row[p.key])}` });
    span.style.width = `${max > 0 ? (row[p.key] / max) * 100 : 0}%`;
    return span;
  });
  return el('div', { className: 'sizebar wide', attrs: { 'aria-hidden': 'true' } }, segs);
}

function render(rows: StorageReportRow[], policy: string, trusted: boolean): void {
  const max = Math.max(0, ...rows.filter((r) => r.level !== 'root').map((r) => r.total));
  const shown: ShownStorage = { rows: [], policy };
  const body = el('tbody');
  for (const row of rows) {
    const actions: HTMLElement[] = [];
    if (row.reclaimCheckpoints > 0) {
      const prune = el('button', { className: 'action secondary', attrs: { type: 'button', 'aria-label': `Prune ${row.label}: ${plural(row.reclaimCheckpoints, 'checkpoint')}, ${formatBytes(row.reclaimBytes)}` } }, ['Prune this…']);
      prune.disabled = !trusted;
      prune.addEventListener('click', () => void host.request('prune', { path: row.path }).catch(() => undefined));
      actions.push(prune);
    }
    if (row.level !== 'root') {
      const open = el('button', { className: 'link', attrs: { type: 'button', 'aria-label': `Open the run view of ${row.label}` } }, ['Run view']);
      open.addEventListener('click', () => void host.request('openRuns', { path: row.path }).catch(() => undefined));
      actions.push(open);
    }
    const reclaim = row.reclaimCheckpoints > 0 ? `${formatBytes(row.reclaimBytes)} (${plural(row.reclaimCheckpoints, 'checkpoint')})` : '–';
    const label = el('td', { className: `level-${row.level} depth-${row.depth}` }, [row.level === 'root' ? el('strong', {}, [row.label]) : row.label]);
    body.appendChild(
      el('tr', { className: `row-${row.level}` }, [
        label,
        el('td', { className: 'bar-cell wide' }, [row.level === 'root' ? '' : bar(row, max)]),
        el('td', { className: 'num' }, [formatBytes(row.model)]),
        el('td', { className: 'num' }, [formatBytes(row.optimizer)]),
        el('td', { className: 'num' }, [formatBytes(row.full)]),
        el('td', { className: 'num' }, [formatBytes(row.other)]),
        el('td', { className: 'num' }, [formatBytes(row.total)]),
        el('td', { className: 'num' }, [reclaim]),
        el('td', {}, actions),
      ]),
    );
    shown.rows.push({ label: row.label, total: formatBytes(row.total), reclaim, actions: actions.map((a) => a.textContent ?? '') });
  }
  const heads = ['Where', 'Split', 'Model', 'Optimizer', 'Single-file', 'Other', 'Total', 'Reclaimable', ''];
  const table = el('table', { className: 'grid storage-table', attrs: { 'aria-label': 'Storage per root, kind and run' } }, [
    el('thead', {}, [el('tr', {}, heads.map((h, i) => el('th', { className: i >= 2 && i <= 7 ? 'num' : '', attrs: { scope: 'col' } }, [h])))]),
    body,
  ]);
  const legend = el('p', { className: 'legend-note' }, PARTS.flatMap((p) => [el('span', { className: `swatch ${p.key}` }), p.label]));
  const total = rows.filter((r) => r.level === 'root').reduce((n, r) => n + r.total, 0);
  const reclaimable = rows.filter((r) => r.level === 'root').reduce((n, r) => n + r.reclaimBytes, 0);
  document.body.replaceChildren(
    el('main', { className: 'storage' }, [
      el('header', { className: 'header' }, [el('h1', {}, ['Checkpoint storage']), el('p', { className: 'section-note' }, [`${formatBytes(total)} in all; ${formatBytes(reclaimable)} reclaimable under the retention settings (${policy}). Prune this shows the plan and asks before anything goes to the trash.`])]),
      legend,
      rows.length > 0 ? table : el('p', {}, ['No checkpoints found.']),
    ]),
  );
  shownRows = shown;
}

const handlers: Handlers<StorageWebviewMethods> = { shown: () => shownRows };

function handle(event: StorageHostEvent): void {
  switch (event.type) {
    case 'loading':
      document.body.replaceChildren(el('main', { className: 'loading' }, [el('p', {}, ['Measuring…'])]));
      break;
    case 'storage':
      render(event.rows, event.policy, event.trusted);
      break;
    case 'error':
      document.body.replaceChildren(el('main', { className: 'error' }, [el('p', { attrs: { role: 'alert' } }, [event.message])]));
      break;
    default:
      assertNever(event);
  }
}

const host = new RpcEndpoint<StorageWebviewMethods, StorageHostMethods, StorageWebviewEvent, StorageHostEvent>((m) => vscode.postMessage(m), handlers, handle);
window.addEventListener('message', (event: MessageEvent<unknown>) => host.receive(event.data));
host.emit({ type: 'ready' });
