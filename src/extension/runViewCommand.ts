// *Open Run View* on a run, a kind or a root in the tree (several runs when several rows are
// selected), on a folder in the Explorer, or from the palette (a pick of runs): one panel per
// set of runs, brought forward when it is already open.
import { sep } from 'node:path';
import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';
import type { CheckpointTreeProvider, ListedRun } from './checkpointTreeProvider';
import type { RunFactsCache } from './hostRunFacts';
import { createRunViewPanel, RunViewPanel } from './runViewPanel';
import type { RunViewTestingState } from './runViewPanel';
import { sessionClient } from './sessionHost';

export const OPEN_RUN_VIEW_COMMAND = 'checkpointManager.openRunView';
/** Internal: the active run view's state, and page actions as a user would do them (integration tests). */
export const RUN_VIEW_TESTING_COMMAND = 'checkpointManager._testing.runView';

const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function isNode(v: unknown): v is ViewNode {
  return !!v && typeof v === 'object' && 'contextValue' in v && 'type' in v;
}

/** The runs a tree node stands for: a run itself; a kind's tags; everything under a root. */
function runsOfNode(node: ViewNode, runs: readonly ListedRun[]): ListedRun[] {
  if (!node.path) return [];
  switch (node.type) {
    case 'run':
      return runs.filter((r) => r.run.dir === node.path);
    case 'kind':
      return runs.filter((r) => r.run.kind === node.data?.kind && inside(r.run.dir, node.path!));
    case 'root':
      return runs.filter((r) => r.root === node.path);
    default:
      return [];
  }
}

async function chooseRuns(provider: CheckpointTreeProvider, arg: unknown, selected: unknown): Promise<ListedRun[] | undefined> {
  const runs = await provider.runs();
  const nodes = Array.isArray(selected) && selected.some(isNode) ? selected.filter(isNode) : isNode(arg) ? [arg] : [];
  if (nodes.length > 0) return [...new Set(nodes.flatMap((n) => runsOfNode(n, runs)))];
  if (arg instanceof vscode.Uri) return runs.filter((r) => inside(r.run.dir, arg.fsPath));
  if (Array.isArray(arg) && arg.every((a) => typeof a === 'string')) return runs.filter((r) => arg.includes(r.run.dir));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No runs found: add a checkpoint folder first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.label, description: `${r.run.checkpoints.length} checkpoints`, detail: r.run.dir, run: r })),
    { canPickMany: true, placeHolder: 'Runs to show (several draw one line each)', matchOnDetail: true },
  );
  return picked?.map((p) => p.run);
}

export function registerRunView(context: vscode.ExtensionContext, provider: CheckpointTreeProvider, facts: RunFactsCache): vscode.Disposable[] {
  const client = sessionClient(context);
  const panels = new Map<string, RunViewPanel>();
  let active: RunViewPanel | undefined;
  return [
    vscode.commands.registerCommand(OPEN_RUN_VIEW_COMMAND, async (arg?: unknown, selected?: unknown) => {
      const runs = await chooseRuns(provider, arg, selected);
      if (!runs) return undefined;
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('No runs with checkpoints there.');
        return undefined;
      }
      const dirs = runs.map((r) => r.run.dir).sort();
      const key = dirs.join('\u0000');
      const open = panels.get(key);
      if (open) {
        open.panel.reveal();
        active = open;
        return dirs;
      }
      const title = runs.length === 1 ? `Run: ${runs[0]!.label}` : `Runs: ${runs.map((r) => r.label).join(', ')}`;
      const view = new RunViewPanel(createRunViewPanel(context.extensionUri, title), dirs, provider, client, facts, () => {
        panels.delete(key);
        if (active === view) active = undefined;
      });
      view.panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) active = view;
      });
      panels.set(key, view);
      active = view;
      return dirs;
    }),
    vscode.commands.registerCommand(RUN_VIEW_TESTING_COMMAND, (action?: 'shown' | 'choose' | 'activate' | 'prune', arg?: unknown): Promise<RunViewTestingState> | undefined => active?.testingState(action, arg)),
  ];
}
