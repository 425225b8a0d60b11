// Add Checkpoint Folder writes into the settings the list comes from, and only that scope's own
// entries: with a real workspace settings file (.vscode/settings.json of the open folder).
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceDir } from './support/fixturePaths';

const KEY = 'checkpointManager.extraFolders';

function inspectFolders(): { workspace?: string[]; user?: string[] } {
  const i = vscode.workspace.getConfiguration('checkpointManager').inspect<string[]>('extraFolders');
  return { workspace: i?.workspaceValue, user: i?.globalValue };
}

describe('Add Checkpoint Folder', () => {
  const settingsDir = (): string => join(workspaceDir(), '.vscode');
  const settingsFile = (): string => join(settingsDir(), 'settings.json');

  afterEach(async () => {
    rmSync(settingsDir(), { recursive: true, force: true });
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the settings to be cleared', () => (inspectFolders().workspace === undefined && inspectFolders().user === undefined ? true : undefined));
  });

  it('adds to the workspace settings when they set the list, leaving the user settings alone', async () => {
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', ['/data/user-runs'], vscode.ConfigurationTarget.Global);
    mkdirSync(settingsDir(), { recursive: true });
    writeFileSync(settingsFile(), JSON.stringify({ [KEY]: ['/data/team-runs'] }, null, 2));
    await waitFor('both scopes to be read', () => (inspectFolders().workspace?.length === 1 && inspectFolders().user?.length === 1 ? true : undefined));

    await vscode.commands.executeCommand('checkpointManager.addFolder', vscode.Uri.file('/data/new-runs'));

    const onDisk = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(onDisk[KEY], ['/data/team-runs', '/data/new-runs']);
    assert.deepEqual(inspectFolders(), { workspace: ['/data/team-runs', '/data/new-runs'], user: ['/data/user-runs'] });
  });

  it('adds to the user settings when the workspace does not set the list', async () => {
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', ['/data/user-runs'], vscode.ConfigurationTarget.Global);
    await waitFor('the user setting to be read', () => (inspectFolders().user?.length === 1 ? true : undefined));

    await vscode.commands.executeCommand('checkpointManager.addFolder', vscode.Uri.file('/data/new-runs'));
    // Adding what is already listed changes nothing.
    await vscode.commands.executeCommand('checkpointManager.addFolder', vscode.Uri.file('/data/new-runs'));

    assert.deepEqual(inspectFolders(), { workspace: undefined, user: ['/data/user-runs', '/data/new-runs'] });
  });
});
