// (Named to run after lazyTree.test.ts, which needs a window where nothing has listed the roots yet.)
// Archive…, Pin, Unpin and Add Note… in the real VS Code, on a copy of a nanochat tag added as a
// folder: Archive copies a whole step to the archive folder (the setting), the copy's bytes hash
// the same as the source's (checked here with node:crypto), the run's state file records it, the
// tree shows it archived, and a prune keeps it. Pins and notes land in the state file and the tree.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listRoot } from '../../src/core/listing/listRoot';
import { planListing } from '../../src/core/prune/prunePlan';
import { DEFAULT_POLICY } from '../../src/core/prune/retentionPolicy';
import type { ArchiveResult } from '../../src/extension/archiveCommand';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import { EXTENSION_ID, nanochatBaseDir, waitFor } from './support/fixturePaths';

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('Archive…, Pin and notes', function () {
  this.timeout(90_000);
  let scratch: string;
  let tag: string;
  let archive: string;
  const config = () => vscode.workspace.getConfiguration('checkpointManager');

  /** The tree's node for step `step` of the scratch tag, once `ready` holds for it. */
  async function stepNode(step: number, ready: (n: NodeSnapshot) => boolean = () => true): Promise<NodeSnapshot> {
    return waitFor(`step ${step} of the scratch tag in the tree`, async () => {
      const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>('checkpointManager._testing.treeSnapshot')) ?? [];
      const n = nodes.find((x) => x.type === 'checkpoint' && x.data?.runDir === tag && x.data?.step === step);
      return n && ready(n) ? n : undefined;
    }, 20_000);
  }

  const marks = (): { checkpoints: Record<string, { pinned?: boolean; note?: string; archived?: Array<{ to: string; at: string }> }> } =>
    JSON.parse(readFileSync(join(tag, '.checkpoint-manager.json'), 'utf8'));

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    scratch = mkdtempSync(join(tmpdir(), 'cpm-archive-'));
    tag = join(scratch, 'home', 'base_checkpoints', 'd4');
    archive = join(scratch, 'archive');
    cpSync(join(nanochatBaseDir(), 'base_checkpoints', 'd4'), tag, { recursive: true });
    const past = new Date(Date.now() - 24 * 3600 * 1000);
    for (const name of readdirSync(scratch, { recursive: true, encoding: 'utf8' })) utimesSync(join(scratch, name), past, past);
    await config().update('archiveFolder', archive, vscode.ConfigurationTarget.Global);
    await config().update('extraFolders', [join(scratch, 'home')], vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('archiveFolder', undefined, vscode.ConfigurationTarget.Global);
    await config().update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('copies a whole step, checks it by sha256, records it, and the tree and prune know it', async () => {
    const node = await stepNode(200);
    const results = await vscode.commands.executeCommand<ArchiveResult[]>('checkpointManager.archive', node);
    assert.equal(results?.length, 1);
    const copyDir = join(archive, 'base_checkpoints', 'd4');
    const sources = readdirSync(tag).filter((n) => /_000200(_rank\d+)?\.(pt|json)$/.test(n)).sort();
    assert.deepEqual(readdirSync(copyDir).sort(), sources, 'every file of the step, and no temporary copy left');
    for (const name of sources) assert.equal(sha256(join(copyDir, name)), sha256(join(tag, name)), name);
    assert.deepEqual(
      results[0]!.files.map((f) => [f.name, f.sha256]).sort(),
      sources.map((n) => [n, sha256(join(tag, n))]),
    );
    const record = marks().checkpoints['step:200']?.archived;
    assert.equal(record?.length, 1);
    assert.equal(record[0]!.to, copyDir);
    const shown = await stepNode(200, (n) => n.contextValue.includes('.archived'));
    assert.equal(shown.icon, 'star-full', 'the best keeps its star; the menus know it is archived');
    // Pruned to the latest one, the archived step stays, and says why.
    const plan = await planListing(await listRoot(tag), () => ({ ...DEFAULT_POLICY, keepLast: 1, keepBest: 0 }));
    const unit = plan.runs[0]!.units.find((u) => u.key === 'step:200')!;
    assert.equal(unit.keep, true);
    assert.ok(unit.protections.includes('archived'), unit.reason);
  });

  it('pins, notes and unpins, in the state file and the tree', async () => {
    await vscode.commands.executeCommand('checkpointManager.pin', await stepNode(100));
    assert.equal(marks().checkpoints['step:100']?.pinned, true);
    const pinned = await stepNode(100, (n) => n.contextValue.endsWith('.pinned'));
    assert.equal(pinned.icon, 'pinned');
    await vscode.commands.executeCommand('checkpointManager.addNote', pinned, undefined, 'before the LR change');
    assert.equal(marks().checkpoints['step:100']?.note, 'before the LR change');
    await stepNode(100, (n) => n.contextValue.includes('.noted'));
    // The inspector shows the note of the checkpoint a file belongs to.
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(join(tag, 'model_000100.pt')), 'checkpointManager.inspector');
    const inspected = await waitFor('the inspector to show the note', async () => {
      const i = await vscode.commands.executeCommand<{ sent?: { kind: string; mark?: { note?: string } } } | undefined>('checkpointManager._testing.inspectorState');
      return i?.sent?.kind === 'report' ? i.sent : undefined;
    });
    assert.equal(inspected.mark?.note, 'before the LR change');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('checkpointManager.unpin', await stepNode(100));
    assert.equal(marks().checkpoints['step:100']?.pinned, undefined);
    // The note still pins it.
    const noted = await stepNode(100, (n) => !n.contextValue.includes('.pinned'));
    assert.equal(noted.icon, 'pinned');
    await vscode.commands.executeCommand('checkpointManager.addNote', noted, undefined, '');
    assert.equal(marks().checkpoints['step:100'], undefined);
    assert.ok(existsSync(join(tag, 'model_000100.pt')));
  });
});
