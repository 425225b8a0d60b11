// Checkpoints at a URL in the real VS Code: *Open Checkpoint from URL…* opens the inspector on an
// address served by Debian's nginx on loopback, the session worker reads it by range requests
// (nginx's log shows only 206 answers), and a server that ignores ranges gets an error page that
// says so.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { startNginx } from '../unit/support/nginxServer';
import type { NginxServer } from '../unit/support/nginxServer';
import { repoFixture, waitFor, within } from './support/fixturePaths';

const inspectorState = () => vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');

describe('a checkpoint at a URL', function () {
  this.timeout(60_000);
  let server: NginxServer;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cpm-remote-'));
    copyFileSync(repoFixture('nanochat', 'base_checkpoints', 'd4', 'model_000200.pt'), join(root, 'model_000200.pt'));
    server = await startNginx(root);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('opens in the inspector from Open Checkpoint from URL…, read by range requests', async () => {
    const url = `${server.origin}/model_000200.pt`;
    await within('Open Checkpoint from URL', vscode.commands.executeCommand('checkpointManager.openUrl', url));
    const state = await waitFor('the report of the remote checkpoint', async () => {
      const s = await inspectorState();
      return s?.sent ? s : undefined;
    }, 30_000);
    assert.equal(state.uri, vscode.Uri.parse(url).toString());
    assert.equal(state.sent?.kind, 'report', JSON.stringify(state.sent));
    assert.equal(state.sent?.kind === 'report' && state.sent.tensors, 26);
    const requests = server.requests();
    assert.ok(requests.length >= 1 && requests.every((r) => r.status === 206), JSON.stringify(requests));
  });

  it('says so when the server does not support range requests', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await within('Open Checkpoint from URL', vscode.commands.executeCommand('checkpointManager.openUrl', `${server.origin}/noranges/model_000200.pt`));
    const state = await waitFor('the error page', async () => {
      const s = await inspectorState();
      return s?.sent ? s : undefined;
    }, 30_000);
    assert.equal(state.sent?.kind, 'error');
    assert.match(state.sent?.kind === 'error' ? state.sent.message : '', /does not support range requests/);
  });
});
