// Keeps the tree live: one recursive file-system watcher per root, and a debounce so a training
// loop writing model, meta and optimizer files produces one refresh, not dozens.

import * as vscode from 'vscode';

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

/** Watches every file below each root (roots outside the workspace included). */
export class RootWatchers implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];

  constructor(private readonly onChange: (uri: vscode.Uri) => void) {}

  watch(roots: readonly string[]): void {
    this.disposeWatchers();
    for (const root of roots) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
      this.watchers.push(
        watcher,
        watcher.onDidCreate(this.onChange),
        watcher.onDidChange(this.onChange),
        watcher.onDidDelete(this.onChange),
      );
    }
  }

  private disposeWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  dispose(): void {
    this.disposeWatchers();
  }
}
