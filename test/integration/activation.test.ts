import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, nanochatBaseDir } from './support/fixturePaths';

interface ContributedCommand {
  command: string;
}

// The commands the README and menus promise; package.json may add more.
const PROMISED_COMMANDS = [
  'checkpointManager.addFolder',
  'checkpointManager.copyPath',
  'checkpointManager.inspect',
  'checkpointManager.refresh',
  'checkpointManager.revealInOS',
];

describe('the test harness', () => {
  it('points NANOCHAT_BASE_DIR at a scratch copy of the fixtures, never the real nanochat home', () => {
    const dir = nanochatBaseDir();
    assert.notEqual(resolve(dir), resolve(join(homedir(), '.cache', 'nanochat')));
    assert.equal(existsSync(dir), true, `${dir} should exist`);
  });
});

describe('activation', () => {
  it('activates the extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} should be installed in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('runs on the workspace side, as over Remote-SSH: the host beside the files, the UI in the browser', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
    // code-server is VS Code's remote layout: the window is a browser page, the extension host a
    // server process on the machine that holds the workspace, which it reads with node:fs.
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file' && existsSync(folder.uri.fsPath));
  });

  it('contributes the promised commands', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const contributed = (extension.packageJSON.contributes.commands as ContributedCommand[]).map((c) => c.command);
    assert.deepEqual(PROMISED_COMMANDS.filter((c) => !contributed.includes(c)), []);
  });

  it('registers every command that package.json contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed = (extension.packageJSON.contributes.commands as ContributedCommand[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  it('contributes the Checkpoints view (its focus command exists)', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.equal(registered.has('checkpointManager.checkpoints.focus'), true);
  });
});
