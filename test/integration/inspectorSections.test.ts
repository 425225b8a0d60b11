// The inspector's new facts in a real extension host: plain pickles open through their own
// (optional) editor, a hostile file's calls reach the webview, optimizers and saved devices too.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorTestingState, SentSummary } from '../../src/extension/inspectorTestingState';
import { nanochatBaseDir, repoFixture, waitFor } from './support/fixturePaths';

const PICKLE_VIEW_TYPE = 'checkpointManager.inspector.pickle';
const VIEW_TYPE = 'checkpointManager.inspector';
const STATE_COMMAND = 'checkpointManager._testing.inspectorState';

/** Opens `path` with `viewType` and waits for the report its webview was sent. */
async function openReport(path: string, viewType = VIEW_TYPE): Promise<{ state: InspectorTestingState; sent: Extract<SentSummary, { kind: 'report' }> }> {
  const uri = vscode.Uri.file(path);
  await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
  return waitFor(`the inspector's report on ${path}`, async () => {
    const state = await vscode.commands.executeCommand<InspectorTestingState | undefined>(STATE_COMMAND);
    return state?.uri === uri.toString() && state.sent?.kind === 'report' ? { state, sent: state.sent } : undefined;
  }, 15_000);
}

describe('the inspector sections', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("opens nanochat's tokenizer.pkl as a plain pickle in the pickle inspector", async () => {
    const { state, sent } = await openReport(join(nanochatBaseDir(), 'tokenizer', 'tokenizer.pkl'), PICKLE_VIEW_TYPE);
    assert.equal(state.viewType, PICKLE_VIEW_TYPE);
    assert.deepEqual([sent.format, sent.verdict, sent.tensors, sent.calls], ['pickle', 'suspicious', 0, undefined]);
  });

  it('does not take over .pkl files: their default editor stays the one VS Code picks', async () => {
    const uri = vscode.Uri.file(join(nanochatBaseDir(), 'tokenizer', 'tokenizer.pkl'));
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await waitFor('a tab for tokenizer.pkl', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active && active.label === 'tokenizer.pkl' ? active : undefined;
    });
    assert.equal(tab.input instanceof vscode.TabInputCustom && tab.input.viewType.startsWith('checkpointManager.'), false, 'the inspector is only offered, with Open With');
  });

  it('sends what a hostile file would run, even a call whose result was thrown away', async () => {
    const { sent } = await openReport(repoFixture('hostile', 'popped_system.pt'));
    assert.deepEqual([sent.verdict, sent.dangerous, sent.calls], ['dangerous', ['posix.system'], ["posix.system('touch /tmp/checkpoint-manager-pwned')"]]);
  });

  it("sends a nanochat optimizer file's two optimizers", async () => {
    const { sent } = await openReport(join(nanochatBaseDir(), 'base_checkpoints', 'd4', 'optim_000200_rank0.pt'));
    assert.deepEqual(sent.optimizers, ['Adam/AdamW', 'SGD']);
  });

  it('sends the device a checkpoint was saved from', async () => {
    const { sent } = await openReport(repoFixture('formats', 'saved_on_cuda.pt'));
    assert.deepEqual(sent.devices, ['cuda:0']);
  });
});
