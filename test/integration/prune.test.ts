// *Prune…* in the real VS Code on a copy of the sample nanochat home, its questions answered by
// the test: the disk afterwards holds exactly what the core's plan keeps, every protected
// checkpoint is still there, and what went is in the (test's own) trash, whole steps at a time.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listRoot } from '../../src/core/listing/listRoot';
import { planListing } from '../../src/core/prune/prunePlan';
import { DEFAULT_POLICY } from '../../src/core/prune/retentionPolicy';
import { nanochatBaseDir } from './support/fixturePaths';

/** Every file below `dir`, its mtime set a day back: copies look freshly written otherwise. */
function age(dir: string): void {
  const past = new Date(Date.now() - 24 * 3600 * 1000);
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) utimesSync(join(dir, name), past, past);
}

describe('Prune… in the extension', function () {
  this.timeout(60_000);
  let scratch: string;
  let home: string;
  const oldXdg = process.env.XDG_DATA_HOME;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cpm-prune-'));
    home = join(scratch, 'nanochat');
    cpSync(nanochatBaseDir(), home, { recursive: true });
    age(home);
    // The freedesktop trash goes under the scratch folder, not the machine's home.
    process.env.XDG_DATA_HOME = join(scratch, 'data');
    await vscode.workspace.getConfiguration('checkpointManager').update('retention.keepLast', 1, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('checkpointManager').update('retention.keepLast', undefined, vscode.ConfigurationTarget.Global);
    if (oldXdg === undefined) delete process.env.XDG_DATA_HOME;
    else process.env.XDG_DATA_HOME = oldXdg;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('deletes what the plan deletes, once confirmed, and keeps every protected checkpoint', async () => {
    const tag = join(home, 'base_checkpoints', 'd4');
    const expected = await planListing(await listRoot(tag), () => ({ ...DEFAULT_POLICY, keepLast: 1 }));
    const units = expected.runs.flatMap((r) => r.units);
    const gone = units.filter((u) => !u.keep);
    const kept = units.filter((u) => u.keep);
    assert.ok(gone.length > 0, 'the plan should delete something');
    assert.ok(kept.some((u) => u.protections.includes('newest')));

    const asked = await vscode.commands.executeCommand<string[]>('checkpointManager._testing.pruneAnswers', { review: 'accept', confirm: true });
    await vscode.commands.executeCommand('checkpointManager.prune', vscode.Uri.file(tag));
    assert.deepEqual(asked[0], 'review');
    assert.match(asked[1] ?? '', new RegExp(`^confirm ${gone.length} \\d+$`));
    for (const u of gone) for (const p of u.paths) assert.ok(!existsSync(p), `${p} should be gone`);
    for (const u of kept) for (const p of u.paths) assert.ok(existsSync(p), `${p} (${u.reason}) should be kept`);
    // Whole steps went to the trash: every file of each deleted step is there.
    const trashed = readdirSync(join(scratch, 'data', 'Trash', 'files'));
    for (const u of gone) for (const p of u.paths) assert.ok(trashed.some((t) => t.startsWith(p.split('/').pop()!.replace(/\.[^.]+$/, ''))), `${p} in the trash`);
    assert.ok(statSync(join(scratch, 'data', 'Trash', 'info')).isDirectory());
  });

  it('deletes nothing when the confirmation is declined', async () => {
    const tag = join(home, 'base_checkpoints', 'd2');
    const before = readdirSync(tag).sort();
    const asked = await vscode.commands.executeCommand<string[]>('checkpointManager._testing.pruneAnswers', { review: 'accept', confirm: false });
    await vscode.commands.executeCommand('checkpointManager.prune', vscode.Uri.file(tag));
    assert.equal(asked[0], 'review');
    // The plan did delete something: the question was asked, and declined.
    assert.match(asked[1] ?? '', /^confirm [1-9]\d* \d+$/);
    assert.deepEqual(readdirSync(tag).sort(), before);
  });
});
