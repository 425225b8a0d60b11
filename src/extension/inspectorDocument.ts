// One open checkpoint: its report, computed once and shared by every editor on the file, kept up
// to date when the file changes on disk.
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { CheckpointError } from '../core/errors';
import type { InspectOptions } from '../core/inspect/inspectFile';
import type { InspectReport } from '../core/inspect/report';
import type { InspectorErrorInfo } from '../shared/protocol';
import { errorInfo, isAbort } from './inspectorErrorInfo';
import type { InspectorStatsSource } from './inspectorStats';

export type InspectFn = (path: string, options?: InspectOptions) => Promise<InspectReport>;

export type InspectorState =
  | { kind: 'loading' }
  | { kind: 'report'; report: InspectReport; hashed: boolean }
  | { kind: 'error'; error: InspectorErrorInfo };

/** A training loop writes a checkpoint in several bursts: wait for quiet before reading it again. */
const CHANGE_DEBOUNCE_MS = 400;

/** A file name as a glob that matches only itself. */
export function literalGlob(name: string): string {
  return name.replace(/[[\]{}*?!,]/g, (c) => `[${c}]`);
}

export class InspectorDocument implements vscode.CustomDocument {
  private state: InspectorState = { kind: 'loading' };
  private hashing = false;
  /** Bumped by every run so a slow, superseded run cannot overwrite a newer result. */
  private generation = 0;
  private running: AbortController | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<InspectorState>();
  private readonly hashingEmitter = new vscode.EventEmitter<boolean>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeHashing = this.hashingEmitter.event;

  constructor(
    readonly uri: vscode.Uri,
    private readonly inspect: InspectFn,
    /** Where the editors' statistics requests go (the seam a worker client replaces). */
    readonly stats: InspectorStatsSource,
  ) {
    this.disposables.push(this.stateEmitter, this.hashingEmitter);
    if (uri.scheme === 'file') {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(uri.fsPath)), literalGlob(basename(uri.fsPath))));
      const changed = () => this.scheduleRefresh();
      this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    }
    void this.refresh();
  }

  get current(): InspectorState {
    return this.state;
  }

  get isHashing(): boolean {
    return this.hashing;
  }

  private scheduleRefresh(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, CHANGE_DEBOUNCE_MS);
  }

  /** Reads the file again; the last report stays on screen until the new one is ready. */
  async refresh(): Promise<void> {
    if (this.uri.scheme !== 'file') {
      this.setState({ kind: 'error', error: { file: this.uri.toString(), message: 'Only files on this machine can be inspected.' } });
      return;
    }
    const { generation, signal } = this.startRun();
    const path = this.uri.fsPath;
    try {
      const report = await this.inspect(path, { signal });
      if (generation === this.generation) this.setState({ kind: 'report', report, hashed: false });
    } catch (err) {
      if (generation !== this.generation || signal.aborted || isAbort(err)) return;
      this.setState({ kind: 'error', error: errorInfo(path, err, await fileSize(path)) });
    } finally {
      this.endRun(generation);
    }
  }

  /** Re-inspects with sha256 of every tensor, with a cancellable progress notification. */
  async computeHashes(): Promise<void> {
    if (this.hashing || this.uri.scheme !== 'file') return;
    const path = this.uri.fsPath;
    const { generation, signal, controller } = this.startRun();
    this.setHashing(true);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hashing tensors of ${basename(path)}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          const onProgress = (done: number, total: number): void => {
            if (total <= 0) return;
            const percent = Math.min(100, (done / total) * 100);
            if (percent - reported >= 1 || done === total) {
              progress.report({ increment: percent - reported, message: `${Math.floor(percent)}%` });
              reported = percent;
            }
          };
          try {
            const report = await this.inspect(path, { sha256: true, signal, onProgress });
            if (generation === this.generation) this.setState({ kind: 'report', report, hashed: true });
          } catch (err) {
            // Cancelled or superseded: keep the report without hashes that is already shown.
            if (generation !== this.generation || signal.aborted || isAbort(err)) return;
            if (isBrokenFile(err)) {
              // Reading the bytes found the file broken (a record failing its CRC-32): the page says
              // where, keeping the verdict the report had.
              const shown = this.state.kind === 'report' ? this.state.report.security : undefined;
              const error = errorInfo(path, err, await fileSize(path));
              if (generation !== this.generation) return;
              this.setState({ kind: 'error', error: { ...error, ...(error.security || !shown ? {} : { security: shown }) } });
              return;
            }
            void vscode.window.showErrorMessage(`Could not hash ${basename(path)}: ${errorInfo(path, err, undefined).message}`);
          }
        },
      );
    } finally {
      this.endRun(generation);
      this.setHashing(false);
    }
  }

  private startRun(): { generation: number; signal: AbortSignal; controller: AbortController } {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.generation++;
    return { generation: this.generation, signal: controller.signal, controller };
  }

  private endRun(generation: number): void {
    if (generation === this.generation) this.running = undefined;
  }

  private setState(state: InspectorState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private setHashing(running: boolean): void {
    if (this.hashing === running) return;
    this.hashing = running;
    this.hashingEmitter.fire(running);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.running?.abort();
    this.generation++;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Errors that mean the file itself is broken, as opposed to cancelled or not supported. */
function isBrokenFile(err: unknown): boolean {
  return err instanceof CheckpointError && (err.code === 'corrupt' || err.code === 'truncated' || err.code === 'missing-record');
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}
