// Keeps the tree live: file-system watchers per root for the names a listing reads, and a
// debounce so a training loop writing model, meta and optimizer files produces one relist, not dozens.

import * as vscode from 'vscode';
import { LISTED_NAMES_GLOB } from '../core/listing/watchPatterns';

export class DebouncedTrigger implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private burstStart: number | undefined;

  constructor(
    private delayMs: number,
    private readonly fire: () => void,
  ) {}

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /**
   * Restarts the wait: the refresh comes `delayMs` after the last change of a burst, but no later
   * than four delays after its first change, so a multi-minute save still shows up as it grows.
   */
  poke(): void {
    const now = Date.now();
    this.burstStart ??= now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.delayMs, this.burstStart + 4 * this.delayMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.burstStart = undefined;
      this.fire();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Watches each root (roots outside the workspace included) for the names a listing reads, and
 * for folders created or deleted under any name, which `onFolderEvent` sorts out:
 * - a folder deleted with its files comes as one event for the folder, whose name matches no
 *   checkpoint pattern;
 * - files written at once into a new folder can come before the watcher watches it (inotify),
 *   so only the folder's creation is reported.
 */
export class RootWatchers implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private roots: readonly string[] = [];

  constructor(
    private readonly onChange: (path: string) => void,
    private readonly onFolderEvent: (path: string, kind: 'created' | 'deleted') => void,
  ) {}

  /** The roots watched now. */
  get watched(): readonly string[] {
    return this.roots;
  }

  watch(roots: readonly string[]): void {
    this.disposeWatchers();
    this.roots = [...roots];
    const changed = (uri: vscode.Uri): void => this.onChange(uri.fsPath);
    for (const root of roots) {
      const base = vscode.Uri.file(root);
      const names = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, LISTED_NAMES_GLOB));
      const folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, '**/*'), false, true, false);
      this.watchers.push(
        names,
        names.onDidCreate(changed),
        names.onDidChange(changed),
        names.onDidDelete(changed),
        folders,
        folders.onDidCreate((uri) => this.onFolderEvent(uri.fsPath, 'created')),
        folders.onDidDelete((uri) => this.onFolderEvent(uri.fsPath, 'deleted')),
      );
    }
  }

  private disposeWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    this.roots = [];
  }

  dispose(): void {
    this.disposeWatchers();
  }
}
