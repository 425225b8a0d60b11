// A hostile checkpoint in the real VS Code: the tree marks it once the background scan (in the
// session worker) has read its pickle, the Problems panel lists it with the global it would call,
// an unreadable file gets the broken mark, and Scan Folder for Unsafe Checkpoints finds both.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NodeSnapshot } from '../../src/extension/checkpointTreeProvider';
import type { FolderScanResult } from '../../src/extension/scanFolderCommand';
import { EXTENSION_ID, repoFixture, waitFor } from './support/fixturePaths';

const SNAPSHOT = 'checkpointManager._testing.treeSnapshot';
const SCAN_STATE = 'checkpointManager._testing.verdictScan';

describe('security marks on hostile checkpoints', () => {
  let dir: string;
  let hostile: string;
  let broken: string;
  let plain: string;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    dir = mkdtempSync(join(tmpdir(), 'cpm-hostile-'));
    mkdirSync(join(dir, 'downloads'));
    hostile = join(dir, 'downloads', 'os_system.pt');
    broken = join(dir, 'downloads', 'truncated.pt');
    plain = join(dir, 'downloads', 'views.pt');
    copyFileSync(repoFixture('hostile', 'os_system.pt'), hostile);
    copyFileSync(repoFixture('broken', 'truncated.pt'), broken);
    copyFileSync(repoFixture('formats', 'views.pt'), plain);
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', [dir], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('checkpointManager').update('extraFolders', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    // The folder goes only once the tree no longer lists (and watches) it, so the tests after
    // this one start from the tree they expect.
    await waitFor('the added folder to leave the tree', async () => {
      const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>(SNAPSHOT)) ?? [];
      return nodes.some((n) => n.type === 'root' && n.path === dir) ? undefined : true;
    });
    await waitFor('the added folder to be unwatched', async () => {
      const now = await vscode.commands.executeCommand<{ watched: string[] }>('checkpointManager._testing.treeState');
      return now?.watched.includes(dir) ? undefined : true;
    });
    rmSync(dir, { recursive: true, force: true });
  });

  async function nodeFor(path: string): Promise<NodeSnapshot> {
    return waitFor(`a tree node for ${path}`, async () => {
      const nodes = (await vscode.commands.executeCommand<NodeSnapshot[]>(SNAPSHOT)) ?? [];
      return nodes.find((n) => n.type === 'checkpoint' && n.path === path);
    });
  }

  it('marks the dangerous file and the unreadable one, and not the plain one', async () => {
    await nodeFor(hostile);
    const counts = await vscode.commands.executeCommand<{ kept: number; queued: number }>(SCAN_STATE);
    assert.equal(counts?.queued, 0);
    const marked = await nodeFor(hostile);
    assert.equal(marked.mark?.kind, 'dangerous');
    assert.equal(marked.mark?.icon, 'error');
    assert.equal(marked.mark?.ariaText, 'security verdict dangerous');
    assert.match(marked.mark?.tooltip ?? '', /os\\_system\\\.pt: \*\*dangerous\*\*, loading it would call posix\\\.system/);
    assert.equal((await nodeFor(broken)).mark?.kind, 'broken');
    assert.equal((await nodeFor(plain)).mark, undefined);
  });

  it('lists the dangerous file in the Problems panel with the global it would call', async () => {
    const diagnostics = await waitFor('a diagnostic on os_system.pt', () => {
      const found = vscode.languages.getDiagnostics(vscode.Uri.file(hostile));
      return found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostics[0]!.source, 'Checkpoint Manager');
    assert.match(diagnostics[0]!.message, /would call posix\.system\. It would run: posix\.system\('touch \/tmp\/checkpoint-manager-pwned'\)/);
    // Only dangerous files are problems: the unreadable one is marked in the tree, not listed here.
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(broken)), []);
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(plain)), []);
  });

  it('Scan Folder for Unsafe Checkpoints finds both and passes the plain file', async () => {
    const result = await vscode.commands.executeCommand<FolderScanResult>('checkpointManager.scanFolder', vscode.Uri.file(dir));
    assert.ok(result);
    assert.equal(result.scanned, 3);
    assert.equal(result.cancelled, false);
    assert.deepEqual(
      result.findings.map((f) => [f.path, f.kind]).sort(),
      [
        [hostile, 'dangerous'],
        [broken, 'broken'],
      ].sort(),
    );
  });
});
