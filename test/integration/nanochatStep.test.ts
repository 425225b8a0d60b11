// A nanochat step in the real VS Code: Inspect Checkpoint on the tree's step row opens the whole
// step (the model and both ranks' optimizer state, through meta_<step>.json), while its file rows
// keep opening their own file: an optimizer file alone in the inspector, the meta file as text.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { EXTENSION_ID, nanochatBaseDir, waitFor } from './support/fixturePaths';

async function inspectorOn(path: string): Promise<InspectorTestingState> {
  const uri = vscode.Uri.file(path).toString();
  return waitFor(`the inspector of ${path}`, async () => {
    const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
    return s?.uri === uri && s.sent ? s : undefined;
  }, 20_000);
}

describe('a nanochat step in the tree and the inspector', function () {
  this.timeout(60_000);
  const d4 = () => join(nanochatBaseDir(), 'base_checkpoints', 'd4');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('checkpointManager.checkpoints.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('inspects the whole step from its row, and each file from its own row', async () => {
    const nodes = await waitFor('step 000200 of base d4 in the tree', async () => {
      const all = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
      return all.some((n) => n.type === 'checkpoint' && n.label === 'step 000200' && n.path?.startsWith(d4())) ? all : undefined;
    }, 15_000);
    const step = nodes.find((n) => n.type === 'checkpoint' && n.label === 'step 000200' && n.path?.startsWith(d4()))!;
    const meta = join(d4(), 'meta_000200.json');
    assert.deepEqual([step.inspectPath, step.openPath], [meta, join(d4(), 'model_000200.pt')]);

    await vscode.commands.executeCommand('checkpointManager.inspect', step);
    const whole = (await inspectorOn(meta)).sent;
    assert.ok(whole?.kind === 'report', `a report, not ${JSON.stringify(whole)}`);
    // 26 model tensors and 30 per rank; AdamW and SGD per rank; the step from meta_000200.json.
    assert.deepEqual([whole.tensors, whole.step, whole.optimizers.length, whole.verdict], [86, 200, 4, 'safe']);

    const rank1 = nodes.find((n) => n.type === 'file' && n.label === 'optim_000200_rank1.pt' && n.id.startsWith(step.id))!;
    await vscode.commands.executeCommand('checkpointManager.inspect', rank1);
    const alone = (await inspectorOn(rank1.openPath!)).sent;
    assert.ok(alone?.kind === 'report', `a report, not ${JSON.stringify(alone)}`);
    assert.deepEqual([alone.tensors, alone.optimizers.length], [30, 2]);

    const metaRow = nodes.find((n) => n.type === 'file' && n.label === 'meta_000200.json' && n.id.startsWith(step.id))!;
    await vscode.commands.executeCommand('checkpointManager.inspect', metaRow);
    await waitFor('meta_000200.json as text', () => (vscode.window.activeTextEditor?.document.uri.fsPath === meta ? true : undefined), 10_000);
  });
});
