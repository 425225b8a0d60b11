// The compare report: a webview panel showing one comparison of two checkpoints, both kept open
// as sessions in the session worker while the panel is, so that a click on a tensor asks the
// worker for both sides' statistics and the histogram of their difference. Closing the panel
// cancels what it asked for and closes both sessions.
import * as vscode from 'vscode';
import type { Handlers } from '../core/rpc/rpcEndpoint';
import type { SessionComparison } from '../core/session/sessionCompare';
import type { WorkOptions } from '../core/session/workOptions';
import type { TensorStats } from '../core/stats/tensorStats';
import { assertNever } from '../shared/assertNever';
import type { CompareHostEvent, CompareHostMethods, CompareNames, CompareWebviewEvent, CompareWebviewMethods, ShownCompare } from '../shared/compareProtocol';
import { percentThrottle } from './inspectorHandlers';
import { createNonce, inspectorHtml } from './inspectorHtml';
import { WebviewChannel } from './webviewChannel';

export const COMPARE_VIEW_TYPE = 'checkpointManager.compare';

/** What the panel needs of the two sessions (the worker's RemoteSessions). */
export interface ComparedSession {
  stats(path: string, options?: WorkOptions): Promise<TensorStats>;
  close(): Promise<void>;
}

export interface ComparedPair<S extends ComparedSession = ComparedSession> {
  a: S;
  b: S;
  difference(pathA: string, pathB: string, options: WorkOptions): Promise<TensorStats>;
}

type CompareChannel = WebviewChannel<CompareHostMethods, CompareWebviewMethods, CompareHostEvent, CompareWebviewEvent>;

/** What the panel sent its page, reduced to what the integration tests check. */
export interface SentCompare {
  names: CompareNames;
  summary: string;
  aligned: string;
  equal: boolean;
  counts: SessionComparison['report']['counts'];
  changed: string[];
  identical: string[];
  onlyInA: string[];
  onlyInB: string[];
  mismatched: string[];
  values: string[];
  optimizer: { changed: number; values: number };
  layers: { positions: string[]; kinds: string[] };
}

function summarizeSent(c: SessionComparison, names: CompareNames): SentCompare {
  const r = c.report;
  return {
    names,
    summary: r.summary,
    aligned: r.aligned,
    equal: r.equal,
    counts: r.counts,
    changed: r.changed.map((t) => t.path),
    identical: r.identical,
    onlyInA: r.only_in_a,
    onlyInB: r.only_in_b,
    mismatched: r.mismatched.map((m) => m.path),
    values: r.values.map((v) => v.key),
    optimizer: { changed: r.optimizer.changed.length, values: r.optimizer.values.length },
    layers: { positions: c.layers.positions.map((p) => p.label), kinds: c.layers.series.map((s) => s.kind) },
  };
}

/** Adds up the progress of parts that run together. */
function combined(report: (done: number, total: number) => void): () => (done: number, total: number) => void {
  const parts: Array<[number, number]> = [];
  return () => {
    const mine: [number, number] = [0, 0];
    parts.push(mine);
    return (done, total) => {
      mine[0] = done;
      mine[1] = total;
      report(
        parts.reduce((s, p) => s + p[0], 0),
        parts.reduce((s, p) => s + p[1], 0),
      );
    };
  };
}

export class ComparePanel {
  private static readonly open = new Set<ComparePanel>();
  private static last: ComparePanel | undefined;
  private readonly channel: CompareChannel;
  private sent: SentCompare | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly pair: ComparedPair,
    private readonly comparison: SessionComparison,
    private readonly names: CompareNames,
  ) {
    this.channel = this.openChannel();
    const subscriptions = [
      this.channel,
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) ComparePanel.last = this;
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      ComparePanel.open.delete(this);
      if (ComparePanel.last === this) ComparePanel.last = undefined;
      void Promise.all([pair.a.close(), pair.b.close()]);
    });
    ComparePanel.open.add(this);
    ComparePanel.last = this;
  }

  /** Opens a report panel on a finished comparison; the panel owns both sessions from here on. */
  static show(extensionUri: vscode.Uri, pair: ComparedPair, comparison: SessionComparison, names: CompareNames): ComparePanel {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `${names.a} ↔ ${names.b}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [dist, media],
      // The page keeps its filters and selection with setState; the report is sent again on `ready`.
      retainContextWhenHidden: false,
    });
    const webview = panel.webview;
    const uri = (base: vscode.Uri, name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(base, name)).toString();
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: uri(dist, 'compareView.js'),
      styleUris: [uri(dist, 'uplot.css'), uri(media, 'base.css'), uri(media, 'inspector.css'), uri(media, 'compare.css')],
      nonce: createNonce(),
      title: 'Checkpoint Comparison',
      loading: 'Comparing…',
    });
    return new ComparePanel(panel, pair, comparison, names);
  }

  /** The channel to the page, made once; it makes a new endpoint itself for a rebuilt page. */
  private openChannel(): CompareChannel {
    const handlers: Handlers<CompareHostMethods> = {
      tensorDetail: async (params, { signal, progress }) => {
        const p = (params ?? {}) as { pathA?: unknown; pathB?: unknown };
        if (typeof p.pathA !== 'string' || typeof p.pathB !== 'string') throw Object.assign(new Error('Tensor paths must be strings.'), { code: 'bad-request' });
        const part = combined(percentThrottle(progress));
        const [a, b, difference] = await Promise.all([
          this.pair.a.stats(p.pathA, { signal, onProgress: part() }),
          this.pair.b.stats(p.pathB, { signal, onProgress: part() }),
          this.pair.difference(p.pathA, p.pathB, { signal, onProgress: part() }),
        ]);
        return { a, b, difference };
      },
    };
    return new WebviewChannel<CompareHostMethods, CompareWebviewMethods, CompareHostEvent, CompareWebviewEvent>(this.panel.webview, handlers, (e) => this.onEvent(e));
  }

  private onEvent(event: CompareWebviewEvent): void {
    switch (event.type) {
      case 'ready':
        // Also after the page was rebuilt (hidden, then shown): the channel has a new endpoint.
        this.channel.endpoint.emit({ type: 'report', report: this.comparison.report, layers: this.comparison.layers, names: this.names });
        this.sent = summarizeSent(this.comparison, this.names);
        break;
      default:
        assertNever(event.type);
    }
  }

  /** Internal (the testing command): what the latest report panel sent, and what its page shows. */
  static async testingState(action?: 'shown' | 'selectTensor', path?: string): Promise<{ ready: boolean; pageLoads: number; panels: number; sent?: SentCompare; shown?: ShownCompare } | undefined> {
    const p = ComparePanel.last;
    if (!p) return undefined;
    let shown: ShownCompare | undefined;
    if (p.channel.ready && action === 'shown') shown = await p.channel.endpoint.request('shown', {});
    else if (p.channel.ready && action === 'selectTensor') shown = await p.channel.endpoint.request('selectTensor', { path: path ?? '' });
    return { ready: p.channel.ready, pageLoads: p.channel.pageLoads, panels: ComparePanel.open.size, ...(p.sent ? { sent: p.sent } : {}), ...(shown ? { shown } : {}) };
  }
}
