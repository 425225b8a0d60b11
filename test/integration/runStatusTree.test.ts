// Run status in the real VS Code's tree: the sample workspace's Hugging Face run reached its
// `max_steps` (read here from its trainer_state.json), so its row says finished with the matching
// icon; a copy of it cut short (max_steps raised past its last step) says where it stopped; and
// the nanochat tags, which record no planned length, show no status. A run written to within
// the retention policy's `recentMinutes` shows as training, whatever that setting says.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import { EXTENSION_ID, waitFor, workspaceDir } from './support/fixturePaths';

async function runNode(path: string, ready: (n: NodeSnapshot) => boolean = () => true): Promise<NodeSnapshot> {
  return waitFor(`the run ${path} in the tree`, async () => {
    const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
    const n = nodes.find((x) => x.type === 'run' && x.path === path);
    return n && ready(n) ? n : undefined;
  }, 20_000);
}

describe('run status in the tree', function () {
  this.timeout(60_000);
  let scratch: string;
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    scratch = mkdtempSync(join(tmpdir(), 'cpm-status-'));
  });
  after(async () => {
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('says finished, or stopped early at the last and planned step, on the run\'s row', async () => {
    const hf = join(workspaceDir(), 'hf');
    const state = JSON.parse(readFileSync(join(hf, 'checkpoint-200', 'trainer_state.json'), 'utf8')) as { global_step: number; max_steps: number };
    assert.equal(state.global_step, state.max_steps, 'the fixture run reached its planned length');
    const done = await runNode(hf);
    assert.equal(done.icon, 'pass');
    assert.equal(done.data?.status, 'finished');
    assert.match(done.description ?? '', /^finished/);

    // The same run planned for longer: stopped early.
    const cut = join(scratch, 'hf');
    cpSync(hf, cut, { recursive: true });
    for (const dir of readdirSync(cut)) {
      const path = join(cut, dir, 'trainer_state.json');
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), max_steps: 1000 }));
    }
    const past = new Date(Date.now() - 24 * 3600 * 1000);
    for (const name of readdirSync(cut, { recursive: true, encoding: 'utf8' })) utimesSync(join(cut, name), past, past);
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', [cut], vscode.ConfigurationTarget.Global);
    const stopped = await runNode(cut);
    assert.equal(stopped.icon, 'debug-stop');
    assert.equal(stopped.data?.statusText, `stopped early at step ${state.global_step} of 1000`);
    assert.equal(stopped.description, `stopped at ${state.global_step}/1000`);

    // Written two hours ago: training while the window of `retention.recentMinutes` holds that.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    for (const name of readdirSync(cut, { recursive: true, encoding: 'utf8' })) utimesSync(join(cut, name), twoHoursAgo, twoHoursAgo);
    const config = () => vscode.workspace.getConfiguration('checkpointManager');
    await vscode.commands.executeCommand('checkpointManager.refresh');
    assert.equal((await runNode(cut, (n) => n.data?.status === 'stopped')).icon, 'debug-stop');
    await config().update('retention.recentMinutes', 180, vscode.ConfigurationTarget.Global);
    try {
      const training = await runNode(cut, (n) => n.data?.status === 'training');
      assert.match(training.data?.statusText ?? '', /^training: a file was written 2 h/);
    } finally {
      await config().update('retention.recentMinutes', undefined, vscode.ConfigurationTarget.Global);
    }
    await runNode(cut, (n) => n.data?.status === 'stopped');

    const nanochat = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot'))!.filter((n) => n.type === 'run' && n.data?.kind === 'base');
    assert.ok(nanochat.length > 0);
    for (const n of nanochat) assert.equal(n.data?.status, 'unknown', n.path);
  });
});
