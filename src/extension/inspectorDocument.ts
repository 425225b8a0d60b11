// One open checkpoint: a session on it in the session worker, shared by every editor on the file,
// its report kept up to date when the file changes on disk. The session stays open while the
// document does, so hashes, statistics and scans reuse the parse.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { stepFilesGlob } from '../core/checkpoint/nanochatNames';
import type { PackedReport } from '../core/inspect/tensorColumns';
import type { NonFiniteScan } from '../core/session/sessionProtocol';
import type { WorkOptions } from '../core/session/workOptions';
import type { TensorStats } from '../core/stats/tensorStats';
import type { InspectorErrorInfo } from '../shared/protocol';
import { sizeOf } from './byteSources';
import { errorInfo, isAbort, isBrokenFile } from './inspectorErrorInfo';
import type { InspectorStatsSource } from './inspectorStats';
import { sessionStatsSource } from './inspectorStats';
import { offerDownload } from './rangeFallback';

/** What the document asks of its checkpoint; a RemoteSession of the session worker. */
export interface InspectorSession {
  /** The report, its tensors as columns: they go to the webview as they came from the worker. */
  readonly packedReport: PackedReport;
  /** How long the worker took to parse the checkpoint and pack its report (ms). */
  readonly openMs: number;
  packedSummaryWithHashes(options?: WorkOptions): Promise<PackedReport>;
  stats(path: string, options?: WorkOptions): Promise<TensorStats>;
  scanNonFinite(options?: WorkOptions): Promise<NonFiniteScan>;
  close(): Promise<void>;
}

export type SessionOpener = (uri: vscode.Uri, signal: AbortSignal) => Promise<InspectorSession>;

export type InspectorState =
  | { kind: 'loading' }
  | { kind: 'report'; report: PackedReport; hashed: boolean }
  | { kind: 'error'; error: InspectorErrorInfo };

/** When the last read of the file was asked for and answered (Date.now()), and the worker's share (ms). */
export interface SessionTiming {
  askedAt: number;
  answeredAt: number;
  workerMs: number;
}

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
  private open: InspectorSession | undefined;
  private disposed = false;
  /** When VS Code asked for this document (Date.now()), for the timings the tests print. */
  readonly createdAt = Date.now();
  private timing: SessionTiming | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<InspectorState>();
  private readonly hashingEmitter = new vscode.EventEmitter<boolean>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeHashing = this.hashingEmitter.event;
  /** Where the editors' statistics and scans go: the open session. */
  readonly stats: InspectorStatsSource = sessionStatsSource(() => this.open);

  constructor(
    readonly uri: vscode.Uri,
    private readonly openSession: SessionOpener,
  ) {
    this.disposables.push(this.stateEmitter, this.hashingEmitter);
    if (uri.scheme === 'file') {
      // A nanochat step, opened through its meta file, changes with any of its files.
      const name = basename(uri.fsPath);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(uri.fsPath)), stepFilesGlob(name) ?? literalGlob(name)));
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

  /** The last session's open: when it was asked for and answered, and the worker's part of it. */
  get sessionTiming(): SessionTiming | undefined {
    return this.timing;
  }

  /** What the report and error pages call the file. */
  get fileName(): string {
    return this.uri.scheme === 'file' ? this.uri.fsPath : this.uri.toString();
  }

  /** The open session, for statistics and scans; undefined while loading or on the error page. */
  get session(): InspectorSession | undefined {
    return this.open;
  }

  private replaceSession(next: InspectorSession | undefined): void {
    const old = this.open;
    this.open = next;
    void old?.close();
  }

  /** Reads the file again; the last report stays on screen until the new one is ready. */
  async refresh(): Promise<void> {
    const { generation, signal } = this.startRun();
    const askedAt = Date.now();
    try {
      const session = await this.openSession(this.uri, signal);
      if (generation !== this.generation || this.disposed) {
        void session.close();
        return;
      }
      this.timing = { askedAt, answeredAt: Date.now(), workerMs: session.openMs };
      this.replaceSession(session);
      this.setState({ kind: 'report', report: session.packedReport, hashed: false });
    } catch (err) {
      if (generation !== this.generation || signal.aborted || isAbort(err)) return;
      // The file changed into something unreadable: what the old session read is not it any more.
      this.replaceSession(undefined);
      const size = await sizeOf(this.uri);
      if (generation === this.generation) this.setState({ kind: 'error', error: errorInfo(this.fileName, err, size) });
      // A server without ranges: the error page says so, and the user may download the file instead.
      if (generation === this.generation && (err as { code?: unknown }).code === 'no-ranges' && /^https?$/.test(this.uri.scheme)) void offerDownload(this.uri, (err as { data?: { size?: number } }).data?.size);
    } finally {
      this.endRun(generation);
    }
  }

  /** The report with sha256 of every tensor, with a cancellable progress notification. */
  async computeHashes(): Promise<void> {
    const session = this.open;
    if (this.hashing || !session) return;
    const name = basename(this.uri.path);
    const { generation, signal, controller } = this.startRun();
    this.setHashing(true);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hashing tensors of ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          try {
            const report = await session.packedSummaryWithHashes({ signal, onProgress: percentReporter(progress) });
            if (generation === this.generation) this.setState({ kind: 'report', report, hashed: true });
          } catch (err) {
            // Cancelled or superseded: keep the report without hashes that is already shown.
            if (generation !== this.generation || signal.aborted || isAbort(err)) return;
            if (isBrokenFile(err)) {
              // Reading the bytes found the file broken (a record failing its CRC-32): the page says
              // where, keeping the verdict the report had.
              const shown = this.state.kind === 'report' ? this.state.report.security : undefined;
              const error = errorInfo(this.fileName, err, await sizeOf(this.uri));
              if (generation !== this.generation) return;
              this.setState({ kind: 'error', error: { ...error, ...(error.security || !shown ? {} : { security: shown }) } });
              return;
            }
            void vscode.window.showErrorMessage(`Could not hash ${name}: ${errorInfo(this.fileName, err, undefined).message}`);
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
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.running?.abort();
    this.generation++;
    this.replaceSession(undefined);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Progress in bytes as a notification's percentage, reported in steps of at least 1%. */
export function percentReporter(progress: vscode.Progress<{ increment?: number; message?: string }>): (done: number, total: number) => void {
  let reported = 0;
  return (done, total) => {
    if (total <= 0) return;
    const percent = Math.min(100, (done / total) * 100);
    if (percent - reported >= 1 || done === total) {
      progress.report({ increment: percent - reported, message: `${Math.floor(percent)}%` });
      reported = percent;
    }
  };
}
