// An untrusted workspace in the real VS Code (Restricted Mode): its own settings.json asks for
// `extraFolders: ["/"]`, `scanDepth: 12` and `nanochatBaseDir: "/"` (scripts/run-integration.mjs
// writes them), and none of that is applied. Reading still works: the tree lists the workspace's
// checkpoint, the scan marks it, the inspector opens it. Pruning is refused.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { EXTENSION_ID, nanochatBaseDir, waitFor, workspaceDir } from '../integration/support/fixturePaths';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('checkpointManager');

describe('an untrusted workspace', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('is untrusted, and its settings file asks for the whole disk', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const own = JSON.parse(readFileSync(join(workspaceDir(), '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(own['checkpointManager.extraFolders'], ['/']);
    assert.equal(own['checkpointManager.scanDepth'], 12);
  });

  it('does not apply the workspace\'s extraFolders, scanDepth, nanochatBaseDir or maxInMemoryMiB', () => {
    assert.deepEqual(config().get('extraFolders'), []);
    assert.equal(config().get('scanDepth'), 4);
    assert.equal(config().get('nanochatBaseDir'), '');
    assert.equal(config().get('maxInMemoryMiB'), 2048);
  });

  it('lists the nanochat home and the workspace, never /', async () => {
    const nodes = await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot');
    const roots = (nodes ?? []).filter((n) => n.type === 'root').map((n) => n.path);
    assert.deepEqual(roots, [nanochatBaseDir(), workspaceDir()]);
  });

  it('still reads: the tree marks the workspace\'s hostile checkpoint and the inspector opens it', async () => {
    const file = join(workspaceDir(), 'downloaded.pt');
    await vscode.commands.executeCommand('checkpointManager._testing.verdictScan');
    const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
    assert.equal(nodes.find((n) => n.path === file)?.mark?.kind, 'dangerous');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'checkpointManager.inspector');
    const state = await waitFor('the inspector to report', async () => {
      const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
      return s?.sent ? s : undefined;
    });
    assert.equal(state.sent?.kind, 'report');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refuses to prune: nothing is planned or deleted', async () => {
    const result = await vscode.commands.executeCommand('checkpointManager.prune', vscode.Uri.file(workspaceDir()));
    assert.equal(result, undefined);
    assert.ok(existsSync(join(workspaceDir(), 'downloaded.pt')));
  });
});
