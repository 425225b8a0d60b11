// The background security scan behind the tree's marks and the Problems panel: each checkpoint
// file's pickle judged in the session worker, one file at a time, after the listing is shown.
// Verdicts are kept by path, size and mtime, so a relist or a second scan of a folder reads
// nothing again until a file changes.
import * as vscode from 'vscode';
import type { FileVerdict } from '../core/security/verdictMark';

/** A file as the listing saw it: enough to tell whether a kept verdict is still its own. */
export interface ScannedFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export type Judge = (path: string, signal?: AbortSignal) => Promise<FileVerdict>;

/** Verdicts that arrive within this many files are announced together (one tree redraw). */
const BATCH = 16;

const stamp = (f: ScannedFile): string => `${f.bytes}:${f.mtimeMs}`;

export class VerdictScan implements vscode.Disposable {
  private readonly kept = new Map<string, { stamp: string; verdict: FileVerdict }>();
  private readonly queue = new Map<string, ScannedFile>();
  private pumping: Promise<void> | undefined;
  private disposed = false;
  private readonly stop = new AbortController();
  private readonly arrived = new vscode.EventEmitter<Array<{ path: string; verdict: FileVerdict }>>();
  /** Fires with the verdicts that came in since it last fired (not for verdicts read from the cache). */
  readonly onDidJudge = this.arrived.event;

  constructor(private readonly judge: Judge) {}

  /** The verdict on `file` as the listing saw it, when it was judged at that size and mtime. */
  verdictOf(file: ScannedFile): FileVerdict | undefined {
    const k = this.kept.get(file.path);
    return k && k.stamp === stamp(file) ? k.verdict : undefined;
  }

  /** Queues the files that have no verdict for their size and mtime; returns at once. */
  request(files: Iterable<ScannedFile>): void {
    if (this.disposed) return;
    for (const f of files) if (!this.verdictOf(f)) this.queue.set(f.path, f);
    if (this.queue.size > 0) this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /** The verdict on one file now (the folder scan): kept, or judged ahead of the queue. */
  async judgeNow(file: ScannedFile, signal?: AbortSignal): Promise<FileVerdict> {
    const known = this.verdictOf(file);
    if (known) return known;
    const verdict = await this.judge(file.path, signal);
    this.keep(file, verdict);
    this.arrived.fire([{ path: file.path, verdict }]);
    return verdict;
  }

  /** Resolves once every file queued so far has its verdict. */
  async settled(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Files judged and waiting, for the internal testing state. */
  get counts(): { kept: number; queued: number } {
    return { kept: this.kept.size, queued: this.queue.size };
  }

  private keep(file: ScannedFile, verdict: FileVerdict): void {
    this.kept.set(file.path, { stamp: stamp(file), verdict });
  }

  private async pump(): Promise<void> {
    let batch: Array<{ path: string; verdict: FileVerdict }> = [];
    const flush = (): void => {
      if (batch.length > 0 && !this.disposed) this.arrived.fire(batch);
      batch = [];
    };
    while (this.queue.size > 0 && !this.disposed) {
      const [path, file] = this.queue.entries().next().value as [string, ScannedFile];
      this.queue.delete(path);
      if (this.verdictOf(file)) continue;
      let verdict: FileVerdict;
      try {
        verdict = await this.judge(path, this.stop.signal);
      } catch (err) {
        if (this.disposed) return;
        // The worker itself failed on this file (it ran out of memory, it was stopped): a file
        // that cannot be read, not a reason to stop scanning the others.
        verdict = { verdict: 'safe', globals: [], dangerous: [], suspicious: [], error: { message: err instanceof Error ? err.message : String(err) } };
      }
      this.keep(file, verdict);
      batch.push({ path, verdict });
      if (batch.length >= BATCH) flush();
    }
    flush();
  }

  dispose(): void {
    this.disposed = true;
    this.stop.abort();
    this.queue.clear();
    this.arrived.dispose();
  }
}
