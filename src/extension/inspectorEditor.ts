// The Checkpoint Inspector: a readonly custom editor whose webview shows what a checkpoint holds.
import * as vscode from 'vscode';
import { assertNever } from '../shared/assertNever';
import type { HostMessage, WebviewMessage } from '../shared/protocol';
import type { InspectorState, SessionOpener } from './inspectorDocument';
import { InspectorDocument } from './inspectorDocument';
import { createNonce, inspectorHtml } from './inspectorHtml';
import { createSessionOpener } from './sessionHost';
import type { InspectorTestingState, SentSummary } from './inspectorTestingState';
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

interface PanelRecord {
  id: number;
  viewType: string;
  document: InspectorDocument;
  ready: boolean;
  sent?: SentSummary;
}

function stateMessage(document: InspectorDocument, state: InspectorState): HostMessage {
  switch (state.kind) {
    case 'loading':
      return { type: 'loading', file: document.fileName };
    case 'report':
      return { type: 'report', report: state.report, hashed: state.hashed };
    case 'error':
      return { type: 'error', error: state.error };
    default:
      return assertNever(state);
  }
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
  ) {}

  openCustomDocument(uri: vscode.Uri): InspectorDocument {
    return new InspectorDocument(uri, this.openSession);
  }

  resolveCustomEditor(document: InspectorDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'inspector.css')).toString(),
      nonce: createNonce(),
    });

    const record: PanelRecord = { id: this.nextPanelId++, viewType: panel.viewType, document, ready: false };
    this.panels.set(panel, record);
    if (panel.active) this.activePanel = panel;

    const post = (message: HostMessage): void => {
      if (!record.ready) return;
      record.sent = summarizeSent(message) ?? record.sent;
      void webview.postMessage(message);
    };
    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage((message: WebviewMessage) => {
        switch (message.type) {
          case 'ready':
            // Also after the webview was reloaded (hidden, then shown): send everything again.
            record.ready = true;
            post(stateMessage(document, document.current));
            if (document.isHashing) post({ type: 'hashing', running: true });
            break;
          case 'computeHashes':
            void document.computeHashes();
            break;
          case 'copy':
            void copyToClipboard(message.text, message.what);
            break;
          default:
            assertNever(message);
        }
      }),
      document.onDidChangeState((state) => post(stateMessage(document, state))),
      document.onDidChangeHashing((running) => post({ type: 'hashing', running })),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.activePanel = e.webviewPanel;
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      this.panels.delete(panel);
      if (this.activePanel === panel) this.activePanel = undefined;
    });
  }

  /**
   * Internal: the active inspector's last message to its webview (see INSPECTOR_TESTING_COMMAND).
   * `computeHashes` starts what the webview's button starts, as if it had been clicked.
   */
  testingState(action?: 'computeHashes'): InspectorTestingState | undefined {
    const panel = this.activePanel;
    const record = panel && this.panels.get(panel);
    if (!record) return undefined;
    if (action === 'computeHashes') void record.document.computeHashes();
    const editors = [...this.panels.values()].filter((r) => r.document === record.document).length;
    return { viewType: record.viewType, uri: record.document.uri.toString(), editorId: record.id, editors, ready: record.ready, sent: record.sent };
  }
}

/** Registers the readonly custom editor that inspects checkpoint files. */
export function registerInspector(context: vscode.ExtensionContext, openSession: SessionOpener = createSessionOpener(context)): void {
  const provider = new InspectorEditorProvider(context.extensionUri, openSession);
  const options = {
    supportsMultipleEditorsPerDocument: true,
    // The webview keeps filter and sort with setState instead of staying alive when hidden.
    webviewOptions: { retainContextWhenHidden: false },
  };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(INSPECTOR_BIN_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(PICKLE_INSPECTOR_VIEW_TYPE, provider, options),
    vscode.commands.registerCommand(INSPECTOR_TESTING_COMMAND, (action?: 'computeHashes') => provider.testingState(action)),
  );
}
