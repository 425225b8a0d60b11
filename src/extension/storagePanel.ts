// *Show Storage*: one webview panel with the bytes of every root, kind and run (model, optimizer,
// single-file checkpoints, the rest) as stacked bars, and what the retention settings would
// reclaim in each, with *Prune this* (the Prune… flow, which asks first) and *Open Run View*.
// The tree's Storage usage rows open it. It follows the tree: a relist redraws it.
import * as vscode from 'vscode';
import { CoalescedRun } from './coalescedRun';
import { describePolicy } from '../core/prune/retentionPolicy';
import { resolveRetentionPolicy } from '../core/prune/resolvePolicy';
import { planRunMarks } from '../core/runs/planMarks';
import { storageReport } from '../core/runs/storageReport';
import type { Reclaim } from '../core/runs/runViewTypes';
import type { SessionClient } from '../core/session/sessionClient';
import { assertNever } from '../shared/assertNever';
import type { ShownStorage, StorageHostEvent, StorageHostMethods, StorageReportRow, StorageWebviewEvent, StorageWebviewMethods } from '../shared/storageProtocol';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import type { RunFactsCache } from './hostRunFacts';
import { workerFactOptions } from './hostRunFacts';
import { createNonce } from './inspectorHtml';
import { pruneFolder, takePrompts } from './pruneCommand';
import { WebviewChannel } from './webviewChannel';
import { panelHtml } from './webviewHtml';

export const STORAGE_VIEW_TYPE = 'checkpointManager.storage';
export const SHOW_STORAGE_COMMAND = 'checkpointManager.showStorage';
/** Internal: the storage report's rows as sent and as shown (integration tests). */
export const STORAGE_TESTING_COMMAND = 'checkpointManager._testing.storage';

type StorageChannel = WebviewChannel<StorageHostMethods, StorageWebviewMethods, StorageHostEvent, StorageWebviewEvent>;

class StoragePanel {
  private readonly channel: StorageChannel;
  rows: StorageReportRow[] | undefined;
  private readonly loads = new CoalescedRun(() => this.load());

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly provider: CheckpointTreeProvider,
    private readonly client: SessionClient,
    private readonly facts: RunFactsCache,
  ) {
    this.channel = this.openChannel();
    const subs = [this.channel, provider.onDidChangeTreeData(() => void this.reload())];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
    });
  }

  /** The channel to the page, made once; it makes a new endpoint itself for a rebuilt page. */
  private openChannel(): StorageChannel {
    return new WebviewChannel<StorageHostMethods, StorageWebviewMethods, StorageHostEvent, StorageWebviewEvent>(
      this.panel.webview,
      {
        prune: async ({ path }) => {
          await pruneFolder(path, takePrompts(), this.provider, { facts: workerFactOptions(this.client) });
        },
        openRuns: async ({ path }) => {
          const dirs = (await this.provider.runs()).filter((r) => r.run.dir === path || r.run.dir.startsWith(path.endsWith('/') ? path : `${path}/`)).map((r) => r.run.dir);
          if (dirs.length > 0) await vscode.commands.executeCommand('checkpointManager.openRunView', dirs);
        },
      },
      (event) => {
        switch (event.type) {
          case 'ready':
            void this.reload();
            break;
          default:
            assertNever(event.type);
        }
      },
    );
  }

  reload(): Promise<void> {
    return this.channel.ready ? this.loads.run() : Promise.resolve();
  }

  private async load(): Promise<void> {
    if (!this.rows) this.channel.endpoint.emit({ type: 'loading' });
    try {
      const listed = await this.provider.runs();
      const settings = vscode.workspace.getConfiguration('checkpointManager').get('retention');
      const now = Date.now();
      const reclaim = new Map<string, Reclaim>();
      await Promise.all(
        listed.map(async ({ run }) => {
          const plan = planRunMarks(run, await this.facts.get(run), resolveRetentionPolicy(settings, run.dir).policy, now);
          reclaim.set(run.dir, { bytes: plan.reclaimBytes, checkpoints: plan.deleted });
        }),
      );
      this.rows = storageReport(this.provider.rootsWithLabels(), (run) => reclaim.get(run.dir) ?? { bytes: 0, checkpoints: 0 });
      const policy = describePolicy(resolveRetentionPolicy(settings, '/').policy);
      this.channel.endpoint.emit({ type: 'storage', rows: this.rows, policy, trusted: vscode.workspace.isTrusted });
    } catch (err) {
      this.channel.endpoint.emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  async testingState(): Promise<{ rows?: StorageReportRow[]; shown: ShownStorage; pageLoads: number }> {
    await this.loads.current;
    const shown = await this.channel.endpoint.request('shown', {});
    const pageLoads = this.channel.pageLoads;
    return this.rows ? { rows: this.rows, shown, pageLoads } : { shown, pageLoads };
  }
}

export function registerStorageReport(context: vscode.ExtensionContext, provider: CheckpointTreeProvider, client: SessionClient, facts: RunFactsCache): vscode.Disposable[] {
  let open: StoragePanel | undefined;
  return [
    vscode.commands.registerCommand(SHOW_STORAGE_COMMAND, () => {
      if (open) {
        open.panel.reveal();
        return;
      }
      const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
      const media = vscode.Uri.joinPath(context.extensionUri, 'media');
      const panel = vscode.window.createWebviewPanel(STORAGE_VIEW_TYPE, 'Checkpoint Storage', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist, media] });
      panel.webview.html = panelHtml({
        cspSource: panel.webview.cspSource,
        scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'storage.js')).toString(),
        styleUris: [panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'base.css')).toString(), panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'runView.css')).toString()],
        nonce: createNonce(),
        title: 'Checkpoint Storage',
      });
      const view = new StoragePanel(panel, provider, client, facts);
      open = view;
      panel.onDidDispose(() => {
        if (open === view) open = undefined;
      });
    }),
    vscode.commands.registerCommand(STORAGE_TESTING_COMMAND, () => open?.testingState()),
  ];
}
