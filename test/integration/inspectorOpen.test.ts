import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { filesEndingWith, nanochatBaseDir, waitFor, within, workspaceDir } from './support/fixturePaths';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';

const VIEW_TYPE = 'checkpointManager.inspector';
const BIN_VIEW_TYPE = 'checkpointManager.inspector.bin';

/** A `.pt` fixture: the workspace's first, else the nanochat home's first. */
function somePtFile(): vscode.Uri {
  const candidates = [...filesEndingWith(workspaceDir(), '.pt'), ...filesEndingWith(nanochatBaseDir(), '.pt')];
  assert.notEqual(candidates.length, 0, 'the fixtures should hold at least one .pt file');
  return vscode.Uri.file(candidates[0]);
}

async function activeCustomInput(): Promise<vscode.TabInputCustom> {
  return waitFor('a custom editor tab', () => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputCustom ? input : undefined;
  });
}

describe('the inspector custom editor', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a .pt file with vscode.openWith', async () => {
    const uri = somePtFile();
    await within(`opening ${uri.fsPath} in ${VIEW_TYPE} (is its provider registered?)`, vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE));
    const input = await activeCustomInput();
    assert.deepEqual({ viewType: input.viewType, uri: input.uri.toString() }, { viewType: VIEW_TYPE, uri: uri.toString() });
  });

  it('is the default editor for .pt files (plain vscode.open)', async () => {
    const uri = somePtFile();
    await within(`opening ${uri.fsPath} with vscode.open`, vscode.commands.executeCommand('vscode.open', uri));
    const input = await activeCustomInput();
    assert.deepEqual({ viewType: input.viewType, uri: input.uri.toString() }, { viewType: VIEW_TYPE, uri: uri.toString() });
  });

  it('offers .bin files (Hugging Face pytorch_model.bin) in Open With…, and inspects them', async () => {
    const uri = vscode.Uri.file(filesEndingWith(workspaceDir(), 'pytorch_model.bin')[0]!);
    await within(`opening ${uri.fsPath} in ${BIN_VIEW_TYPE}`, vscode.commands.executeCommand('vscode.openWith', uri, BIN_VIEW_TYPE));
    const input = await activeCustomInput();
    assert.deepEqual({ viewType: input.viewType, uri: input.uri.toString() }, { viewType: BIN_VIEW_TYPE, uri: uri.toString() });
    const state = await waitFor('the inspector to report on the .bin', async () => {
      const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
      return s?.sent ? s : undefined;
    });
    assert.deepEqual([state.viewType, state.sent?.kind], [BIN_VIEW_TYPE, 'report']);
  });

  it('is not the default editor for .bin files: not every .bin is a checkpoint', async () => {
    const uri = vscode.Uri.file(filesEndingWith(workspaceDir(), 'pytorch_model.bin')[0]!);
    await within(`opening ${uri.fsPath} with vscode.open`, vscode.commands.executeCommand('vscode.open', uri));
    const tab = await waitFor('a tab for the .bin', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      const input = active?.input as { uri?: vscode.Uri } | undefined;
      return input?.uri?.toString() === uri.toString() ? active : undefined;
    });
    assert.equal(tab.input instanceof vscode.TabInputCustom, false, `opened in ${(tab.input as { viewType?: string }).viewType}`);
  });
});
