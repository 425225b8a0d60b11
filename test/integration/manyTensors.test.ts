// The inspector on a checkpoint of 60,000 small tensors, in the real VS Code: the report arrives
// with every tensor, the extension host's memory is read (after a full collection) while it is
// open and after it closes, and the session worker is gone once the editor is. The numbers are
// printed for the README; times are printed, never asserted.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { EXTENSION_ID, waitFor, within } from './support/fixturePaths';

const WRITE = `
import sys, torch
torch.manual_seed(0)
model = {f"layers.{i}.w": torch.randn(8, 8) for i in range(20000)}
state = {i: {"step": torch.tensor(10.0), "exp_avg": torch.zeros(8, 8), "exp_avg_sq": torch.zeros(8, 8)} for i in range(20000)}
torch.save({"model": model, "optimizer": {"state": {i: {"exp_avg": s["exp_avg"], "exp_avg_sq": s["exp_avg_sq"]} for i, s in state.items()}, "param_groups": [{"lr": 0.001, "params": list(range(20000))}]}, "step": 10}, sys.argv[1])
`;

interface WorkerState {
  active: boolean;
  sessions: number;
  rss: number;
  heapUsed: number;
  external: number;
}

const MiB = 1024 * 1024;
const workerState = (collect = false) => vscode.commands.executeCommand<WorkerState>('checkpointManager._testing.sessionWorker', collect);

describe('a checkpoint of 60,000 tensors in the inspector', function () {
  this.timeout(180_000);
  let dir: string;
  let file: string;
  before(async () => {
    // Run alone (CHECKPOINT_MANAGER_GREP), nothing else has activated the extension yet.
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    dir = mkdtempSync(join(tmpdir(), 'cpm-many-'));
    file = join(dir, 'many.pt');
    execFileSync('/usr/bin/python3', ['-c', WRITE, file]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows all of them, and the session worker goes away with the editor', async () => {
    const before = await workerState(true);
    const t0 = Date.now();
    await within('opening the 60,000-tensor file', vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'checkpointManager.inspector'));
    const state = await waitFor(
      'the report of 60,000 tensors',
      async () => {
        const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
        return s?.sent?.kind === 'report' ? s : undefined;
      },
      60_000,
      20,
    );
    const shownMs = Date.now() - t0;
    const open = await workerState(true);
    assert.equal(state.sent?.kind === 'report' && state.sent.tensors, 60_000);
    assert.equal(open.active, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const closed = await waitFor('the session worker to stop after the editor closed', async () => {
      const s = await workerState();
      return s.active ? undefined : s;
    }, 30_000, 100);
    assert.equal(closed.sessions, 0);
    // Released on close: the heap may still hold the last messages for a moment after the worker
    // has gone, so it is read again (collected each time) for a few seconds before it counts as kept.
    let after = await workerState(true);
    for (let i = 0; i < 20 && after.heapUsed - before.heapUsed >= 10 * MiB; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await workerState(true);
    }
    // Printed before the checks, so that a failing run's log has the numbers too.
    console.log(
      `[many-tensors] ${(statSync(file).size / MiB).toFixed(1)} MiB, 60,000 tensors: report sent ${shownMs} ms after openWith; ` +
        `host RSS ${(before.rss / MiB).toFixed(0)} MiB before, +${((open.rss - before.rss) / MiB).toFixed(0)} MiB while open, ` +
        `${((after.rss - before.rss) / MiB).toFixed(0)} MiB from the start after closing; ` +
        `the host isolate's heap +${((open.heapUsed - before.heapUsed) / MiB).toFixed(0)} MiB open, +${((after.heapUsed - before.heapUsed) / MiB).toFixed(0)} MiB closed`,
    );
    // The targets: the host grows by less than 100 MB with the file open, and gives it back on close.
    assert.ok(open.rss - before.rss < 100 * MiB, `the host grew by ${((open.rss - before.rss) / MiB).toFixed(0)} MiB`);
    assert.ok(after.heapUsed - before.heapUsed < 10 * MiB, `the host's heap kept ${((after.heapUsed - before.heapUsed) / MiB).toFixed(0)} MiB after closing`);
  });
});
