import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { filesEndingWith, nanochatBaseDir, waitFor, within, workspaceDir } from './support/fixturePaths';

const VIEW_TYPE = 'checkpointManager.inspector';

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
});
