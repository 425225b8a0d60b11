// Checkpoints at a URL in the real VS Code: *Open Checkpoint from URL…* opens the inspector on an
// address served by Debian's nginx on loopback, the session worker reads it by range requests
// (nginx's log shows only 206 answers), and a server that ignores ranges gets an error page that
// says so, and the choice to download the whole file and open that.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('downloads the whole file when the user chooses to, and opens that', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The answer to the question beside the error page: download, not stop.
    await vscode.commands.executeCommand('checkpointManager._testing.rangeFallback', 'download');
    const url = `${server.origin}/noranges/model_000200.pt`;
    await within('Open Checkpoint from URL', vscode.commands.executeCommand('checkpointManager.openUrl', url));
    const offer = await waitFor('the download', async () => {
      const o = await vscode.commands.executeCommand<{ url: string; downloaded?: string; error?: string } | undefined>('checkpointManager._testing.rangeFallback');
      return o?.downloaded || o?.error ? o : undefined;
    }, 30_000);
    assert.equal(offer.error, undefined);
    assert.equal(offer.url, url);
    assert.deepEqual(readFileSync(offer.downloaded!), readFileSync(join(root, 'model_000200.pt')));
    const state = await waitFor('the report of the downloaded file', async () => {
      const s = await inspectorState();
      return s?.uri === vscode.Uri.file(offer.downloaded!).toString() && s.sent ? s : undefined;
    }, 30_000);
    assert.equal(state.sent?.kind === 'report' && state.sent.tensors, 26);
    // One whole-file GET after the refused range request: nothing else was asked of the server.
    assert.ok(server.requests().some((r) => r.uri === '/noranges/model_000200.pt' && r.range === '' && r.status === 200), JSON.stringify(server.requests()));
    rmSync(dirname(offer.downloaded!), { recursive: true, force: true });
  });
});
