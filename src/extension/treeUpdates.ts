// What keeps the tree up to date while it is in use: the watchers, the debounce that turns a burst
// of file events into one relist, and a slow poll for roots that do not exist yet. None of it
// starts until the tree is first shown: opening one checkpoint file activates the extension too,
// and should not set recursive watchers on every root.

import type * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import type { CheckpointTreeProvider, RelistRecord } from './checkpointTreeProvider';
import { DebouncedTrigger, RootWatchers } from './checkpointWatcher';
import type { TreeSettings } from './treeRoots';

// A root that does not exist yet (no training run so far) cannot be watched; look for it now and then.
const MISSING_ROOT_POLL_MS = 10_000;

/** INTERNAL, for the integration tests: returned by `checkpointManager._testing.treeState`. */
export interface TreeUpdatesState {
  started: boolean;
  /** Roots with watchers now. */
  watched: string[];
  /** Roots that were not there when last looked for. */
  missing: string[];
  /** True while a timer looks for the missing roots. */
  polling: boolean;
  relists: RelistRecord[];
}

const isFolder = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

export class TreeUpdates implements vscode.Disposable {
  private started = false;
  private poll: ReturnType<typeof setInterval> | undefined;
  private missing = new Set<string>();
  private readonly trigger: DebouncedTrigger;
  private readonly watchers: RootWatchers;

  constructor(
    private readonly provider: CheckpointTreeProvider,
    private settings: TreeSettings,
  ) {
    this.trigger = new DebouncedTrigger(settings.refreshDelayMs, () => void provider.applyChanges());
    const changed = (path: string): void => {
      provider.noteChange(path);
      this.trigger.poke();
    };
    // Folders come by any name. A deleted one matters when it held something listed; a new one
    // is walked (a folder is cheap to read, and a stat tells it from a file).
    this.watchers = new RootWatchers(changed, (path, kind) => {
      if (kind === 'deleted') {
        if (provider.holds(path)) changed(path);
      } else {
        void isFolder(path).then((folder) => folder && changed(path));
      }
    });
  }

  /** Starts watching (and polling for missing roots); later calls do nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.checkRoots();
  }

  /** New settings: roots, debounce. Watchers follow the roots once started. */
  reconfigure(settings: TreeSettings): void {
    this.settings = settings;
    this.trigger.setDelay(settings.refreshDelayMs);
    if (this.started) void this.checkRoots();
  }

  state(): TreeUpdatesState {
    return {
      started: this.started,
      watched: [...this.watchers.watched],
      missing: [...this.missing],
      polling: this.poll !== undefined,
      relists: [...this.provider.relists],
    };
  }

  /** Looks which roots exist; watches those, polls while any is missing, relists a root that appeared. */
  private async checkRoots(): Promise<void> {
    const roots = this.settings.roots.map((r) => r.path);
    const exists = await Promise.all(roots.map(isFolder));
    if (!this.started) return;
    const missing = new Set(roots.filter((_, i) => !exists[i]));
    const appeared = [...this.missing].filter((r) => roots.includes(r) && !missing.has(r));
    const watchedNow = roots.filter((r) => !missing.has(r));
    if (watchedNow.join('\n') !== this.watchers.watched.join('\n')) this.watchers.watch(watchedNow);
    this.missing = missing;
    if (missing.size > 0 && !this.poll) this.poll = setInterval(() => void this.checkRoots(), MISSING_ROOT_POLL_MS);
    if (missing.size === 0 && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
    for (const root of appeared) this.provider.noteChange(root);
    if (appeared.length > 0) this.trigger.poke();
  }

  dispose(): void {
    this.started = false;
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    this.trigger.dispose();
    this.watchers.dispose();
  }
}
