// The Checkpoint Inspector: a readonly custom editor whose webview shows what a checkpoint holds.
import * as vscode from 'vscode';
import type { CheckpointMark } from '../core/marks/checkpointMarks';
import { WebviewChannel } from './webviewChannel';
import { assertNever } from '../shared/assertNever';
import type { HostEvent, HostMethods, ShownStats, WebviewEvent, WebviewMethods } from '../shared/protocol';
import type { InspectorState, SessionOpener } from './inspectorDocument';
import { InspectorDocument } from './inspectorDocument';
import { inspectorHandlers } from './inspectorHandlers';
import { createNonce, inspectorHtml } from './inspectorHtml';
import { copyCode, COPY_LOAD_CODE_COMMAND, COPY_RESUME_CODE_COMMAND } from './copyCode';
import type { InspectorTestingAction, InspectorTestingState, OpenTimings, SentSummary } from './inspectorTestingState';
import { summarizeSent } from './inspectorTestingState';

export const INSPECTOR_VIEW_TYPE = 'checkpointManager.inspector';
/**
 * The same inspector for `.bin` files, offered in Open With… only: a `.bin` is as often token
 * data or anything else as Hugging Face weights (`pytorch_model.bin`, `training_args.bin`).
 */
export const INSPECTOR_BIN_VIEW_TYPE = 'checkpointManager.inspector.bin';

/** The inspector view type whose selector matches `path`, so Reopen With… lists it as current. */
export function inspectorViewTypeFor(path: string): string {
  return path.toLowerCase().endsWith('.bin') ? INSPECTOR_BIN_VIEW_TYPE : INSPECTOR_VIEW_TYPE;
}
/** The same inspector for plain pickles (`*.pkl`, `*.pickle`), offered in Open With but not the default. */
export const PICKLE_INSPECTOR_VIEW_TYPE = 'checkpointManager.inspector.pickle';
/** Internal: used by test/integration/inspector.test.ts, not contributed to the palette. */
export const INSPECTOR_TESTING_COMMAND = 'checkpointManager._testing.inspectorState';
/** *Export for Inference…* (exportCommand.ts), which the page's button runs on its file. */
const EXPORT_FOR_INFERENCE_COMMAND = 'checkpointManager.exportForInference';
/** Runs "Scan for NaN/Inf" in the active inspector (palette and editor title). */
export const SCAN_NON_FINITE_COMMAND = 'checkpointManager.scanNonFinite';

type InspectorChannel = WebviewChannel<HostMethods, WebviewMethods, HostEvent, WebviewEvent>;

interface PanelRecord {
  id: number;
  viewType: string;
  document: InspectorDocument;
  sent?: SentSummary;
  channel: InspectorChannel;
  /** When VS Code resolved the editor, its page first said ready, and its first report went (Date.now()). */
  resolvedAt: number;
  readyAt?: number;
  reportAt?: number;
}

/** The pin, note and archive records of the checkpoint a file belongs to (from the tree's listing). */
export type MarkLookup = (path: string) => CheckpointMark | undefined;

function stateMessage(document: InspectorDocument, state: InspectorState, markFor?: MarkLookup): HostEvent {
  switch (state.kind) {
    case 'loading':
      return { type: 'loading', file: document.fileName };
    case 'report': {
      const mark = document.uri.scheme === 'file' ? markFor?.(document.uri.fsPath) : undefined;
      return { type: 'report', report: state.report, hashed: state.hashed, ...(mark ? { mark } : {}) };
    }
    case 'error':
      return { type: 'error', error: state.error };
    default:
      return assertNever(state);
  }
}

function openTimings({ document, resolvedAt, readyAt, reportAt }: PanelRecord): OpenTimings {
  const session = document.sessionTiming;
  return { documentAt: document.createdAt, resolvedAt, ...(readyAt ? { readyAt } : {}), ...(reportAt ? { reportAt } : {}), ...(session ? { session } : {}) };
}

/** The host's clipboard works in every VS Code (desktop, web, remote), unlike a webview's own. */
async function copyToClipboard(text: string, what: string): Promise<void> {
  if (typeof text !== 'string') return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${typeof what === 'string' ? what : 'to the clipboard'}.`, 4000);
}

export class InspectorEditorProvider implements vscode.CustomReadonlyEditorProvider<InspectorDocument> {
  private readonly panels = new Map<vscode.WebviewPanel, PanelRecord>();
  private activePanel: vscode.WebviewPanel | undefined;
  private nextPanelId = 1;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly openSession: SessionOpener,
    private readonly markFor?: MarkLookup,
  ) {}

  openCustomDocument(uri: vscode.Uri): InspectorDocument {
    return new InspectorDocument(uri, this.openSession);
  }

  resolveCustomEditor(document: InspectorDocument, panel: vscode.WebviewPanel): void {
    const resolvedAt = Date.now();
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      // uPlot's own rules first, so the inspector's can adjust them.
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(dist, 'uplot.css')).toString(), webview.asWebviewUri(vscode.Uri.joinPath(media, 'base.css')).toString(), webview.asWebviewUri(vscode.Uri.joinPath(media, 'inspector.css')).toString()],
      nonce: createNonce(),
    });

    const handlers = inspectorHandlers({
      stats: document.stats,
      computeHashes: () => document.computeHashes(),
      copy: copyToClipboard,
      copyCode: async (kind) => void (await copyCode(document, kind)),
      exportForInference: async () => void (await vscode.commands.executeCommand(EXPORT_FOR_INFERENCE_COMMAND, document.uri)),
    });
    const onEvent = (event: WebviewEvent): void => {
      switch (event.type) {
        case 'ready':
          record.readyAt ??= Date.now();
          // Also after the page was rebuilt (hidden, then shown): everything is sent again.
          send(stateMessage(document, document.current, this.markFor));
          if (document.isHashing) send({ type: 'hashing', running: true });
          break;
        default:
          assertNever(event.type);
      }
    };
    const record: PanelRecord = { id: this.nextPanelId++, viewType: panel.viewType, document, channel: new WebviewChannel(webview, handlers, onEvent), resolvedAt };
    this.panels.set(panel, record);
    if (panel.active) this.activePanel = panel;

    const send = (event: HostEvent): void => {
      if (!record.channel.ready) return;
      record.sent = summarizeSent(event) ?? record.sent;
      if (event.type === 'report') record.reportAt ??= Date.now();
      record.channel.endpoint.emit(event);
    };
    const subscriptions: vscode.Disposable[] = [
      record.channel,
      document.onDidChangeState((state) => send(stateMessage(document, state, this.markFor))),
      document.onDidChangeHashing((running) => send({ type: 'hashing', running })),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.activePanel = e.webviewPanel;
      }),
    ];
    panel.onDidDispose(() => {
      // Cancels the statistics and scans this panel asked for.
      for (const s of subscriptions) s.dispose();
      this.panels.delete(panel);
      if (this.activePanel === panel) this.activePanel = undefined;
    });
  }

  /** The document of the inspector last active, if one is open. */
  get activeDocument(): InspectorDocument | undefined {
    return this.activePanel && this.panels.get(this.activePanel)?.document;
  }

  /** "Scan for NaN/Inf" from the palette or the editor title: the active inspector runs it as its button does. */
  startScan(): boolean {
    const record = this.activePanel && this.panels.get(this.activePanel);
    if (!record?.channel.ready) return false;
    record.channel.endpoint.emit({ type: 'startScan' });
    return true;
  }

  /**
   * Internal: the active inspector's last message to its webview (see INSPECTOR_TESTING_COMMAND).
   * `computeHashes` starts what the webview's button starts, as if it had been clicked; the other
   * actions ask the webview to act as a user would and say what its page shows.
   */
  async testingState(action?: InspectorTestingAction, path?: string): Promise<InspectorTestingState | undefined> {
    const panel = this.activePanel;
    const record = panel && this.panels.get(panel);
    if (!record) return undefined;
    if (action === 'computeHashes') void record.document.computeHashes();
    let shown: ShownStats | undefined;
    if (action === 'selectTensor') shown = await record.channel.endpoint.request('selectTensor', { path: path ?? '' });
    else if (action === 'scanNonFinite') shown = await record.channel.endpoint.request('scanNonFinite', {});
    else if (action === 'shown') shown = await record.channel.endpoint.request('shown', {});
    const editors = [...this.panels.values()].filter((r) => r.document === record.document).length;
    const timings = action === 'timings' ? openTimings(record) : undefined;
    return { viewType: record.viewType, uri: record.document.uri.toString(), editorId: record.id, editors, ready: record.channel.ready, pageLoads: record.channel.pageLoads, sent: record.sent, ...(timings ? { timings } : {}), ...(shown ? { shown } : {}) };
  }
}

/** Registers the readonly custom editor that inspects checkpoint files. */
export function registerInspector(context: vscode.ExtensionContext, openSession: SessionOpener, markFor?: MarkLookup): InspectorEditorProvider {
  const provider = new InspectorEditorProvider(context.extensionUri, openSession, markFor);
  const options = {
    supportsMultipleEditorsPerDocument: true,
    // The webview keeps filter and sort with setState instead of staying alive when hidden.
    webviewOptions: { retainContextWhenHidden: false },
  };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(INSPECTOR_BIN_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(PICKLE_INSPECTOR_VIEW_TYPE, provider, options),
    vscode.commands.registerCommand(INSPECTOR_TESTING_COMMAND, (action?: InspectorTestingAction, path?: string) => provider.testingState(action, path)),
    vscode.commands.registerCommand(SCAN_NON_FINITE_COMMAND, () => {
      if (!provider.startScan()) void vscode.window.showInformationMessage('Open a checkpoint in the Checkpoint Inspector to scan it for NaN and Inf.');
    }),
    // Returns the snippet, for the integration tests.
    vscode.commands.registerCommand(COPY_LOAD_CODE_COMMAND, () => copyCode(provider.activeDocument, 'load')),
    vscode.commands.registerCommand(COPY_RESUME_CODE_COMMAND, () => copyCode(provider.activeDocument, 'resume')),
  );
  return provider;
}
