// The run view: a webview panel per set of runs (a tag, a folder, or several chosen together)
// that draws every scalar metric over steps, the sizes per step, the run status and the prune
// plan of an editable policy. Facts come through the session worker (hostRunFacts.ts); the plan
// is the core's planRun, redrawn as the policy changes; Prune runs the *Prune…* flow, which shows
// its plan and asks before anything goes to the trash.
import * as vscode from 'vscode';
import { CoalescedRun } from './coalescedRun';
import { resolveRetentionPolicy } from '../core/prune/resolvePolicy';
import type { RetentionPolicy } from '../core/prune/retentionPolicy';
import type { RunFacts } from '../core/prune/runFacts';
import type { Handlers } from '../core/rpc/rpcEndpoint';
import { planRunMarks } from '../core/runs/planMarks';
import { policyFields, policyFromFields } from '../core/runs/policyFields';
import type { PolicyFields } from '../core/runs/runViewTypes';
import { runSeries } from '../core/runs/runSeries';
import type { SessionClient } from '../core/session/sessionClient';
import { assertNever } from '../shared/assertNever';
import type { RunHostEvent, RunHostMethods, RunPlans, RunSeries, RunWebviewEvent, RunWebviewMethods, ShownRunView } from '../shared/runViewProtocol';
import type { CheckpointTreeProvider, ListedRun } from './checkpointTreeProvider';
import type { RunFactsCache} from './hostRunFacts';
import { workerFactOptions } from './hostRunFacts';
import { createNonce } from './inspectorHtml';
import { inspectorViewTypeFor } from './inspectorEditor';
import { pruneFolder, takePrompts } from './pruneCommand';
import { WebviewChannel } from './webviewChannel';
import { panelHtml } from './webviewHtml';

export const RUN_VIEW_TYPE = 'checkpointManager.runView';

type RunViewChannel = WebviewChannel<RunHostMethods, RunWebviewMethods, RunHostEvent, RunWebviewEvent>;

interface ShownRun {
  listed: ListedRun;
  facts: RunFacts;
  /** The settings' policy for this run: what the page's fields change. */
  base: RetentionPolicy;
}

/** What the internal testing command reports about a run view. */
export interface RunViewTestingState {
  title: string;
  dirs: string[];
  ready: boolean;
  /** How many pages said `ready`: one more each time the page was rebuilt (hidden, then shown). */
  pageLoads: number;
  runs?: RunSeries[];
  plans?: RunPlans;
  /** The files the view opened in the inspector, oldest first. */
  opened: string[];
  shown?: ShownRunView;
}

function retentionSettings(): unknown {
  return vscode.workspace.getConfiguration('checkpointManager').get('retention');
}

export class RunViewPanel {
  private readonly channel: RunViewChannel;
  private shown: ShownRun[] = [];
  private fields: PolicyFields | undefined;
  private runs: RunSeries[] | undefined;
  private plans: RunPlans | undefined;
  private readonly opened: string[] = [];
  private readonly loads = new CoalescedRun(() => this.load());
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly dirs: readonly string[],
    private readonly provider: CheckpointTreeProvider,
    private readonly client: SessionClient,
    private readonly facts: RunFactsCache,
    onDispose: () => void,
  ) {
    const handlers: Handlers<RunHostMethods> = {
      plan: ({ policy }) => this.planFor(policy),
      open: ({ dir, key }) => this.openPoint(dir, key),
      prune: ({ policy }) => this.prune(policy),
    };
    this.channel = new WebviewChannel(panel.webview, handlers, (e) => this.onEvent(e));
    this.subscriptions.push(
      this.channel,
      // A relist (a new step, a prune) redraws the view with the new listing.
      provider.onDidChangeTreeData(() => void this.reload()),
    );
    panel.onDidDispose(() => {
      for (const s of this.subscriptions) s.dispose();
      onDispose();
    });
  }

  private onEvent(event: RunWebviewEvent): void {
    switch (event.type) {
      case 'ready':
        // Also after the page was rebuilt: the channel has a new endpoint.
        void this.reload();
        break;
      default:
        assertNever(event.type);
    }
  }

  /** Lists again what the view shows (one reload at a time; a change meanwhile reloads once more). */
  reload(): Promise<void> {
    return this.channel.ready ? this.loads.run() : Promise.resolve();
  }

  private async load(): Promise<void> {
    const title = this.panel.title;
    if (!this.runs) this.channel.endpoint.emit({ type: 'loading', title });
    try {
      const wanted = new Set(this.dirs);
      const listed = (await this.provider.runs()).filter((r) => wanted.has(r.run.dir));
      const settings = retentionSettings();
      this.shown = await Promise.all(listed.map(async (l) => ({ listed: l, facts: await this.facts.get(l.run), base: resolveRetentionPolicy(settings, l.run.dir).policy })));
      if (this.shown.length === 0) {
        this.runs = undefined;
        this.channel.endpoint.emit({ type: 'error', message: 'These runs are no longer listed: their folders were moved or deleted.' });
        return;
      }
      const now = Date.now();
      this.runs = this.shown.map((s) => runSeries(s.listed.run, s.listed.label, s.facts, now, s.base.recentMinutes * 60_000));
      this.fields ??= policyFields(this.shown[0]!.base);
      this.plans = this.planFor(this.fields);
      this.channel.endpoint.emit({ type: 'runs', title, runs: this.runs, policy: this.fields, plans: this.plans, trusted: vscode.workspace.isTrusted });
    } catch (err) {
      this.channel.endpoint.emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private policiesFor(fields: PolicyFields): { policies: Map<string, RetentionPolicy>; problems: string[]; applied: PolicyFields } {
    const policies = new Map<string, RetentionPolicy>();
    const problems = new Set<string>();
    let applied: PolicyFields | undefined;
    for (const s of this.shown) {
      const r = policyFromFields(s.base, fields);
      policies.set(s.listed.run.dir, r.policy);
      for (const p of r.problems) problems.add(p);
      applied ??= policyFields(r.policy);
    }
    return { policies, problems: [...problems], applied: applied ?? fields };
  }

  private planFor(fields: PolicyFields): RunPlans {
    const { policies, problems, applied } = this.policiesFor(fields);
    this.fields = applied;
    const now = Date.now();
    const plans = this.shown.map((s) => planRunMarks(s.listed.run, s.facts, policies.get(s.listed.run.dir)!, now));
    this.plans = { plans, policy: applied, problems };
    return this.plans;
  }

  private async openPoint(dir: string, key: string): Promise<void> {
    const point = this.runs?.find((r) => r.dir === dir)?.points.find((p) => p.key === key);
    if (!point) return;
    if (!point.openPath) {
      void vscode.window.showWarningMessage(`${point.name} has no model file to inspect yet.`);
      return;
    }
    this.opened.push(point.openPath);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(point.openPath), inspectorViewTypeFor(point.openPath), vscode.ViewColumn.Beside);
  }

  /** *Prune…* on the runs shown, root by root, with the view's policy: its plan and question come first. */
  private async prune(fields: PolicyFields): Promise<void> {
    const { policies } = this.policiesFor(fields);
    const byRoot = new Map<string, string[]>();
    for (const s of this.shown) byRoot.set(s.listed.root, [...(byRoot.get(s.listed.root) ?? []), s.listed.run.dir]);
    for (const [root, runs] of byRoot) {
      const done = await pruneFolder(root, takePrompts(), this.provider, {
        runs,
        policyFor: (dir) => policies.get(dir) ?? resolveRetentionPolicy(retentionSettings(), dir).policy,
        facts: workerFactOptions(this.client),
      });
      if (done === undefined) break;
    }
  }

  async testingState(action?: 'shown' | 'choose' | 'activate' | 'prune', arg?: unknown): Promise<RunViewTestingState> {
    await this.loads.current;
    let shown: ShownRunView | undefined;
    if (action === 'shown') shown = await this.channel.endpoint.request('shown', {});
    if (action === 'choose') shown = await this.channel.endpoint.request('choose', (arg ?? {}) as RunWebviewMethods['choose']['params']);
    if (action === 'activate') await this.channel.endpoint.request('activate', arg as RunWebviewMethods['activate']['params']);
    if (action === 'prune') await this.channel.endpoint.request('prune', {});
    const out: RunViewTestingState = { title: this.panel.title, dirs: [...this.dirs], ready: this.channel.ready, pageLoads: this.channel.pageLoads, opened: [...this.opened] };
    if (this.runs) out.runs = this.runs;
    if (this.plans) out.plans = this.plans;
    if (shown) out.shown = shown;
    return out;
  }
}

/** Makes the panel's page: the run view bundle, uPlot's stylesheet and the view's own. */
export function createRunViewPanel(extensionUri: vscode.Uri, title: string): vscode.WebviewPanel {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist, media] });
  const webview = panel.webview;
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'runView.js')).toString(),
    styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(dist, 'uplot.css')).toString(), webview.asWebviewUri(vscode.Uri.joinPath(media, 'base.css')).toString(), webview.asWebviewUri(vscode.Uri.joinPath(media, 'runView.css')).toString()],
    nonce: createNonce(),
    title,
  });
  return panel;
}
