// The inspector end to end in a real extension host: the custom editor opens, its webview says
// `ready`, and the host sends it the report (or the error page) for the file. What was sent is read
// through the internal command `checkpointManager._testing.inspectorState`.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { inspectFile } from '../../src/core/session/inspectFile';
import type { InspectorTestingState, SentSummary } from '../../src/extension/inspectorTestingState';
import { summarizeSent } from '../../src/extension/inspectorTestingState';
import { nanochatBaseDir, repoFixture, workspaceDir } from './support/fixturePaths';
import { packReport } from '../../src/core/inspect/tensorColumns';

const VIEW_TYPE = 'checkpointManager.inspector';
const STATE_COMMAND = 'checkpointManager._testing.inspectorState';

async function state(): Promise<InspectorTestingState | undefined> {
  return vscode.commands.executeCommand<InspectorTestingState | undefined>(STATE_COMMAND);
}

/** Opens `path` in the inspector and waits until its webview was sent a report or an error. */
async function openAndWait(path: string, accept: (sent: SentSummary) => boolean = () => true): Promise<InspectorTestingState> {
  const uri = vscode.Uri.file(path);
  await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
  return waitForSent(uri, accept);
}

async function waitForSent(uri: vscode.Uri, accept: (sent: SentSummary, state: InspectorTestingState) => boolean, timeoutMs = 15_000): Promise<InspectorTestingState> {
  let last: InspectorTestingState | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = await state();
    if (last?.uri === uri.toString() && last.sent && accept(last.sent, last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for the inspector of ${uri.fsPath}; last state: ${JSON.stringify(last)}`);
}

async function expectedSummary(path: string): Promise<SentSummary | undefined> {
  return summarizeSent({ type: 'report', report: packReport(await inspectFile(path)), hashed: false });
}

describe('the inspector webview', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sends the report of a workspace checkpoint once the webview is ready', async () => {
    const path = join(workspaceDir(), 'checkpoints', 'best.pt');
    const shown = await openAndWait(path);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom);
    assert.equal(input.viewType, VIEW_TYPE);
    assert.deepEqual(shown, { viewType: VIEW_TYPE, uri: vscode.Uri.file(path).toString(), editorId: shown.editorId, editors: 1, ready: true, pageLoads: 1, sent: await expectedSummary(path) });
    assert.equal(shown.sent?.kind === 'report' && shown.sent.verdict, 'safe');
  });

  it('describes a nanochat model with its depth and step', async () => {
    const path = join(nanochatBaseDir(), 'base_checkpoints', 'd4', 'model_000300.pt');
    const shown = await openAndWait(path);
    assert.deepEqual(shown.sent, await expectedSummary(path));
    assert.deepEqual(shown.sent?.kind === 'report' && [shown.sent.depth, shown.sent.step], [4, 300]);
  });

  it('shows the error page for a Git LFS pointer, with the file size', async () => {
    const path = repoFixture('broken', 'lfs_pointer.pt');
    const shown = await openAndWait(path);
    assert.deepEqual(shown.sent, {
      kind: 'error',
      code: 'lfs-pointer',
      message: 'This file is a Git LFS pointer, not the checkpoint itself: run `git lfs pull` to fetch it.',
      size: statSync(path).size,
      verdict: undefined,
      dangerous: undefined,
    });
  });

  it('shows the error page for a truncated checkpoint', async () => {
    const shown = await openAndWait(repoFixture('broken', 'truncated.pt'));
    assert.deepEqual(shown.sent?.kind === 'error' && shown.sent.code, 'truncated');
  });

  it('describes a hostile file as dangerous, naming the global, without loading it', async () => {
    const path = repoFixture('hostile', 'os_system.pt');
    const shown = await openAndWait(path);
    assert.deepEqual(shown.sent, await expectedSummary(path));
    assert.deepEqual(shown.sent?.kind === 'report' && [shown.sent.verdict, shown.sent.dangerous], ['dangerous', ['posix.system']]);
  });

  it('inspects again when the file changes on disk', async () => {
    const dir = mkdtempSync(join(workspaceDir(), 'inspector-watch-'));
    const path = join(dir, 'watched [1].pt'); // glob characters in the name must not break the watcher
    copyFileSync(join(workspaceDir(), 'checkpoints', 'best.pt'), path);
    const before = await openAndWait(path);
    assert.equal(before.sent?.kind, 'report');
    copyFileSync(repoFixture('broken', 'lfs_pointer.pt'), path);
    const after = await waitForSent(vscode.Uri.file(path), (sent) => sent.kind === 'error');
    assert.deepEqual(after.sent?.kind === 'error' && after.sent.code, 'lfs-pointer');
  });

  it('computes sha256 of every tensor on request and sends the hashed report', async () => {
    const path = join(workspaceDir(), 'out', 'ckpt.pt');
    await openAndWait(path);
    await vscode.commands.executeCommand(STATE_COMMAND, 'computeHashes');
    const hashed = await waitForSent(vscode.Uri.file(path), (sent) => sent.kind === 'report' && sent.hashed);
    const expected = summarizeSent({ type: 'report', report: packReport(await inspectFile(path, { sha256: true })), hashed: true });
    assert.deepEqual(hashed.sent, expected);
    assert.equal(expected?.kind === 'report' && expected.hashes, expected?.kind === 'report' && expected.tensors);
  });

  it('shows on the page which tensor a damaged record holds once hashing reads it', async () => {
    const path = repoFixture('broken', 'damaged_tensor.pt');
    // The pickle is intact, so the file is described at first; only its bytes are damaged.
    const opened = await openAndWait(path);
    assert.deepEqual(opened.sent, await expectedSummary(path));
    await vscode.commands.executeCommand(STATE_COMMAND, 'computeHashes');
    const shown = await waitForSent(vscode.Uri.file(path), (sent) => sent.kind === 'error');
    const thrown = await inspectFile(path, { sha256: true }).then(
      () => assert.fail('hashing a damaged file must fail'),
      (err: unknown) => err as Error,
    );
    assert.deepEqual(shown.sent, {
      kind: 'error',
      code: 'corrupt',
      message: thrown.message,
      size: statSync(path).size,
      verdict: 'safe',
      dangerous: [],
      damage: { record: 'damaged_tensor/data/1', tensors: ['transformer.h.0.attn.c_q.weight'] },
    });
    assert.match(thrown.message, /the bytes of tensor "transformer\.h\.0\.attn\.c_q\.weight" \(record "damaged_tensor\/data\/1"\) fail their CRC-32 check/);
  });

  it('names every view of a shared record that fails its check', async () => {
    const path = repoFixture('broken', 'damaged_shared.pt');
    await openAndWait(path);
    await vscode.commands.executeCommand(STATE_COMMAND, 'computeHashes');
    const shown = await waitForSent(vscode.Uri.file(path), (sent) => sent.kind === 'error');
    assert.deepEqual(shown.sent?.kind === 'error' && shown.sent.damage, {
      record: 'damaged_shared/data/0',
      tensors: ['attn.q_proj.weight', 'attn.k_proj.weight', 'attn.v_proj.weight'],
    });
  });

  it('serves a second editor on the same file from the same report', async () => {
    const path = join(workspaceDir(), 'checkpoints', 'last.pt');
    const first = await openAndWait(path);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), VIEW_TYPE, vscode.ViewColumn.Beside);
    // The second editor is the active one once its own webview got the report.
    const second = await waitForSent(vscode.Uri.file(path), (_sent, s) => s.editorId !== first.editorId);
    assert.equal(vscode.window.tabGroups.all.length, 2);
    assert.deepEqual(second, { ...first, editorId: second.editorId, editors: 2 });
  });
});
