// A torch.distributed.checkpoint folder in the real VS Code: opening its `.metadata` (as the
// tree's Inspect Checkpoint does) shows the whole model in one report, the tensors the chunks
// assemble into, with a safe verdict; a folder with overlapping chunks shows the error page.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { inspectFile } from '../../src/core/session/inspectFile';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { summarizeSent } from '../../src/extension/inspectorTestingState';
import { repoFixture, waitFor } from './support/fixturePaths';
import { packReport } from '../../src/core/inspect/tensorColumns';

async function sentFor(uri: vscode.Uri): Promise<InspectorTestingState> {
  return waitFor(`the inspector of ${uri.fsPath}`, async () => {
    const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
    return s?.uri === uri.toString() && s.sent ? s : undefined;
  }, 20_000);
}

describe('a DCP folder in the inspector', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Inspect Checkpoint on .metadata shows the assembled tensors of every rank', async () => {
    const path = repoFixture('dcp', 'two_ranks', '.metadata');
    const uri = vscode.Uri.file(path);
    await vscode.commands.executeCommand('checkpointManager.inspect', uri);
    const shown = await sentFor(uri);
    const expected = summarizeSent({ type: 'report', report: packReport(await inspectFile(path)), hashed: false });
    assert.deepEqual(shown.sent, expected);
    assert.deepEqual(shown.sent?.kind === 'report' && [shown.sent.format, shown.sent.tensors, shown.sent.parameters, shown.sent.verdict], ['torch-dcp', 5, 89, 'safe']);
  });

  it('shows the error page, naming the chunks, for overlapping chunks', async () => {
    const uri = vscode.Uri.file(repoFixture('dcp', 'broken', 'overlap', '.metadata'));
    await vscode.commands.executeCommand('vscode.openWith', uri, 'checkpointManager.inspector');
    const shown = await sentFor(uri);
    assert.equal(shown.sent?.kind, 'error');
    assert.match(shown.sent?.kind === 'error' ? shown.sent.message : '', /the chunks of "w_rows" at \[0, 0\] \(__0_0\.distcp\) and \[3, 0\] \(__1_0\.distcp\) overlap/);
  });
});
