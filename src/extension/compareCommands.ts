// The ways into a comparison: two checkpoints selected in the tree (Compare Selected); a tag's or
// a step's previous step; the Explorer's Select for Compare / Compare with Selected pair (a
// context key says one is selected, as VS Code's own file compare does); the inspector's
// Compare with… (a quick pick of the checkpoints the tree knows, grouped by run, neighbouring
// steps first); and Compare… from the palette (two picks, each with a Browse… entry).
import * as vscode from 'vscode';
import type { ViewNode } from '../core/listing/listingTree';
import { wholePath } from '../core/listing/listingTree';
import type { CheckpointTreeProvider } from './checkpointTreeProvider';
import { ComparePanel } from './comparePanel';
import type { CompareDeps } from './compareRunner';
import { compareCheckpointUris } from './compareRunner';

export const COMPARE_COMMANDS = {
  selected: 'checkpointManager.compareSelected',
  previous: 'checkpointManager.compareWithPrevious',
  select: 'checkpointManager.selectForCompare',
  withSelected: 'checkpointManager.compareWithSelected',
  with: 'checkpointManager.compareWith',
  pick: 'checkpointManager.compare',
} as const;

/** Internal, for the integration tests: what the latest report panel sent and shows. Not in package.json. */
export const COMPARE_TESTING_COMMAND = 'checkpointManager._testing.compareState';

/** Set while a file is selected for compare in the Explorer. */
export const SELECTED_FOR_COMPARE_KEY = 'checkpointManager.selectedForCompare';

const CHECKPOINT_FILTERS = { Checkpoints: ['pt', 'pth', 'ckpt', 'safetensors', 'bin'] };

function isNode(arg: unknown): arg is ViewNode {
  return !!arg && typeof arg === 'object' && 'contextValue' in arg && 'id' in arg;
}

/** The file a node compares: its model file, or the file it opens whole through (a nanochat step's meta file). */
function nodeFile(node: ViewNode): vscode.Uri | undefined {
  const path = wholePath(node);
  return path ? vscode.Uri.file(path) : undefined;
}

/** The older step first, where both have one; otherwise in the order they were selected. */
function ordered(nodes: readonly ViewNode[]): ViewNode[] {
  const [x, y] = nodes;
  const sx = x!.data?.step;
  const sy = y!.data?.step;
  return typeof sx === 'number' && typeof sy === 'number' && sy < sx ? [y!, x!] : [x!, y!];
}

/** The inspector's file, for Compare with… run from the palette rather than the editor title. */
function activeInspectorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType.startsWith('checkpointManager.inspector') ? input.uri : undefined;
}

type PickItem = vscode.QuickPickItem & { path?: string; browse?: true };

async function pickOther(provider: CheckpointTreeProvider, current: string | undefined, placeHolder: string): Promise<vscode.Uri | undefined> {
  const groups = await provider.compareCandidates(current);
  const items: PickItem[] = [{ label: '$(folder-opened) Browse…', description: 'a checkpoint file anywhere', browse: true }];
  for (const g of groups) {
    items.push({ label: g.run, kind: vscode.QuickPickItemKind.Separator });
    for (const c of g.candidates) items.push({ label: c.label, description: c.description, detail: c.path, path: c.path });
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.browse) return (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare', filters: CHECKPOINT_FILTERS }))?.[0];
  return picked.path ? vscode.Uri.file(picked.path) : undefined;
}

export function registerCompareCommands(deps: CompareDeps, provider: CheckpointTreeProvider): vscode.Disposable[] {
  let selectedForCompare: vscode.Uri | undefined;
  const compare = (a: vscode.Uri, b: vscode.Uri) => compareCheckpointUris(deps, a, b);
  return [
    // From the tree's context menu VS Code passes the clicked node and every selected node.
    vscode.commands.registerCommand(COMPARE_COMMANDS.selected, async (clicked?: unknown, selection?: unknown) => {
      const nodes = (Array.isArray(selection) ? selection : [clicked]).filter(isNode).filter((n) => n.openPath);
      if (nodes.length !== 2) {
        void vscode.window.showWarningMessage('Select two checkpoints in the Checkpoints view (Ctrl or Shift and click) to compare them.');
        return undefined;
      }
      const [a, b] = ordered(nodes);
      return compare(nodeFile(a!)!, nodeFile(b!)!);
    }),
    vscode.commands.registerCommand(COMPARE_COMMANDS.previous, async (node?: unknown) => {
      if (!isNode(node)) return undefined;
      const pair = await provider.previousStepPair(node.id);
      if (!pair) {
        void vscode.window.showInformationMessage(`${node.label} has no earlier step to compare with.`);
        return undefined;
      }
      return compare(vscode.Uri.file(pair[0]), vscode.Uri.file(pair[1]));
    }),
    vscode.commands.registerCommand(COMPARE_COMMANDS.select, async (uri?: unknown) => {
      const target = uri instanceof vscode.Uri ? uri : isNode(uri) ? nodeFile(uri) : activeInspectorUri();
      if (!target) return;
      selectedForCompare = target;
      await vscode.commands.executeCommand('setContext', SELECTED_FOR_COMPARE_KEY, true);
    }),
    vscode.commands.registerCommand(COMPARE_COMMANDS.withSelected, async (uri?: unknown) => {
      const target = uri instanceof vscode.Uri ? uri : isNode(uri) ? nodeFile(uri) : activeInspectorUri();
      if (!selectedForCompare || !target) {
        void vscode.window.showInformationMessage('Choose "Select for Compare" on a checkpoint file first.');
        return undefined;
      }
      return compare(selectedForCompare, target);
    }),
    vscode.commands.registerCommand(COMPARE_COMMANDS.with, async (uri?: unknown) => {
      const a = uri instanceof vscode.Uri ? uri : activeInspectorUri();
      if (!a) {
        void vscode.window.showInformationMessage('Open a checkpoint in the Checkpoint Inspector to compare it with another.');
        return undefined;
      }
      const b = await pickOther(provider, a.scheme === 'file' ? a.fsPath : undefined, `Compare ${a.path.split('/').pop()} with…`);
      return b ? compare(a, b) : undefined;
    }),
    vscode.commands.registerCommand(COMPARE_COMMANDS.pick, async () => {
      const a = await pickOther(provider, undefined, 'Checkpoint A: the one to compare from');
      if (!a) return undefined;
      const b = await pickOther(provider, a.scheme === 'file' ? a.fsPath : undefined, `Checkpoint B: compare ${a.path.split('/').pop()} with…`);
      return b ? compare(a, b) : undefined;
    }),
    vscode.commands.registerCommand(COMPARE_TESTING_COMMAND, (action?: 'shown' | 'selectTensor', path?: string) => ComparePanel.testingState(action, path)),
  ];
}
