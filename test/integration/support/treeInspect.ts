// What the tree-and-inspector tests wait for: a checkpoint row of the tree at a path, and the
// inspector's state once it has sent its report for a file.
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../../src/extension/checkpointTreeProvider';
import type { InspectorTestingState } from '../../../src/extension/inspectorTestingState';
import { waitFor } from './fixturePaths';

/** The tree's checkpoint row whose path is `path`, once the tree lists it. */
export function treeCheckpointRow(what: string, path: string, timeoutMs = 15_000): Promise<NodeSnapshot> {
  return waitFor(what, async () => {
    const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
    return nodes.find((n) => n.type === 'checkpoint' && n.path === path);
  }, timeoutMs);
}

/** The inspector's state once the inspector of `file` has sent what it shows. */
export function inspectorSentFor(what: string, file: string, timeoutMs = 20_000): Promise<InspectorTestingState> {
  const uri = vscode.Uri.file(file).toString();
  return waitFor(what, async () => {
    const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
    return s?.uri === uri && s.sent ? s : undefined;
  }, timeoutMs);
}
