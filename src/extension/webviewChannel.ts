// A webview page's request/response endpoint, made again each time the page is rebuilt. Panels
// here do not retain their page while hidden: VS Code drops it, and the new page says `ready`
// again. The old endpoint is then disposed, which cancels what the old page asked for (and
// rejects what the host had asked it), and the new page talks to a fresh one. The channel sees
// each `ready` itself, before the panel's own handler does, so a panel only says what to send.
import type * as vscode from 'vscode';
import { RpcEndpoint } from '../core/rpc/rpcEndpoint';
import type { Handlers, MethodMap } from '../core/rpc/rpcEndpoint';

export class WebviewChannel<Local extends MethodMap, Remote extends MethodMap, LocalEvent, RemoteEvent extends { type: string }> implements vscode.Disposable {
  private current: RpcEndpoint<Local, Remote, LocalEvent, RemoteEvent>;
  private loads = 0;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: Handlers<Local>,
    private readonly onEvent: (event: RemoteEvent) => void,
  ) {
    this.current = this.connect();
    this.listener = webview.onDidReceiveMessage((message: unknown) => this.current.receive(message));
  }

  /** The endpoint of the page shown now. */
  get endpoint(): RpcEndpoint<Local, Remote, LocalEvent, RemoteEvent> {
    return this.current;
  }

  /** Whether a page has said `ready`: before that, events sent would be lost. */
  get ready(): boolean {
    return this.loads > 0;
  }

  /** How many pages have said `ready` (the first, then one per rebuild). */
  get pageLoads(): number {
    return this.loads;
  }

  /** On the page's `ready`: from the second on, the page is a new one, with a new endpoint. */
  private pageReady(): void {
    if (this.loads > 0) {
      this.current.dispose();
      this.current = this.connect();
    }
    this.loads++;
  }

  dispose(): void {
    this.current.dispose();
    this.listener.dispose();
  }

  private connect(): RpcEndpoint<Local, Remote, LocalEvent, RemoteEvent> {
    return new RpcEndpoint<Local, Remote, LocalEvent, RemoteEvent>((m) => void this.webview.postMessage(m), this.handlers, (event) => {
      if (event.type === 'ready') this.pageReady();
      this.onEvent(event);
    });
  }
}
