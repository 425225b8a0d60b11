// Byte sources picked by URI, in the real VS Code: a checkpoint on a file system that is not the
// disk (a FileSystemProvider registered by this test) is read whole through workspace.fs, with its
// sidecar beside it read the same way; one above checkpointManager.maxInMemoryMiB is refused with
// a sentence naming the setting, without a byte of it read.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { InspectorTestingState } from '../../src/extension/inspectorTestingState';
import { nanochatBaseDir, waitFor, within } from './support/fixturePaths';

const SCHEME = 'cpm-test-memory';
const HUGE = 64 * 1024 ** 3;

/** A read-only file system of a few files: real fixture bytes, and one file said to be 64 GiB. */
class MemoryFileSystem implements vscode.FileSystemProvider {
  readonly reads: string[] = [];
  private readonly files = new Map<string, Uint8Array | number>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  add(path: string, content: Uint8Array | number): vscode.Uri {
    this.files.set(path, content);
    return vscode.Uri.from({ scheme: SCHEME, path });
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.files.get(uri.path);
    if (f === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: typeof f === 'number' ? f : f.length };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    this.reads.push(uri.path);
    const f = this.files.get(uri.path);
    if (f === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    if (typeof f === 'number') throw new Error('this file must not be read');
    return f;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
}

async function sentFor(uri: vscode.Uri): Promise<NonNullable<InspectorTestingState['sent']>> {
  await within(`opening ${uri.toString()}`, vscode.commands.executeCommand('vscode.openWith', uri, 'checkpointManager.inspector'));
  const state = await waitFor(`the inspector's answer on ${uri.toString()}`, async () => {
    const s = await vscode.commands.executeCommand<InspectorTestingState | undefined>('checkpointManager._testing.inspectorState');
    return s?.uri === uri.toString() && s.sent ? s : undefined;
  });
  return state.sent!;
}

describe('byte sources chosen by URI', () => {
  const fs = new MemoryFileSystem();
  let registration: vscode.Disposable;
  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, fs, { isReadonly: true });
  });
  after(() => registration.dispose());
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('inspects a checkpoint on another file system through workspace.fs, with its meta sidecar', async () => {
    const dir = `${nanochatBaseDir()}/base_checkpoints/d4`;
    const uri = fs.add('/run/d4/model_000200.pt', readFileSync(`${dir}/model_000200.pt`));
    fs.add('/run/d4/meta_000200.json', readFileSync(`${dir}/meta_000200.json`));
    const sent = await sentFor(uri);
    assert.equal(sent.kind, 'report');
    if (sent.kind !== 'report') return;
    assert.equal(sent.step, 200);
    assert.ok(sent.tensors > 0 && sent.parameters > 0);
    assert.deepEqual(fs.reads.filter((p) => p.startsWith('/run/')).sort(), ['/run/d4/meta_000200.json', '/run/d4/model_000200.pt']);
  });

  it('refuses a file above the in-memory limit with a sentence naming the setting, reading none of it', async () => {
    const uri = fs.add('/run/huge.pt', HUGE);
    const sent = await sentFor(uri);
    assert.equal(sent.kind, 'error');
    if (sent.kind !== 'error') return;
    assert.equal(sent.code, 'too-big-for-memory');
    assert.match(sent.message, /checkpointManager\.maxInMemoryMiB/);
    assert.ok(!fs.reads.includes('/run/huge.pt'));
  });
});
