// The host's side of the session worker: starts it on the first open, proxies each session's
// requests to it, and stops it once no session has been open for `idleMs`, so that the memory a
// parsed checkpoint holds goes back when its editor closes. A worker that dies (out of memory on
// a hostile file) fails what was asked of it; the next open starts a new one. With `spareMs`, a
// fresh worker waits ready (started ahead, as a browser keeps a spare renderer), so that an open
// does not wait for a process to start; one nobody asks for in `spareMs` stops.
import type { AlignOptions } from '../compare/keyAlignment';
import type { ExportRequest, ExportResult } from '../export/exportCheckpoint';
import type { CheckpointFacts } from '../inspect/checkpointFacts';
import type { InspectReport } from '../inspect/report';
import type { PackedReport } from '../inspect/tensorColumns';
import { unpackReport } from '../inspect/tensorColumns';
import type { SourceSpec } from '../io/sourceSpec';
import type { MethodMap } from '../rpc/rpcEndpoint';
import { RpcEndpoint } from '../rpc/rpcEndpoint';
import type { TensorStats } from '../stats/tensorStats';
import type { FileVerdict } from '../security/verdictMark';
import type { SessionComparison } from './sessionCompare';
import type { NonFiniteScan, SessionMethods, WorkProgress } from './sessionProtocol';
import type { WorkerHandle, WorkerKind } from './workerHost';
import { startWorker } from './workerHost';
import type { WorkOptions } from './workOptions';

export interface SessionClientOptions {
  /** The worker's script (dist/sessionWorker.js). */
  script: string;
  /** How long the worker stays after its last session closes (default 2 s: a reopen reuses it). */
  idleMs?: number;
  /** The worker's heap limit: a hostile file exhausts the worker, never the host. */
  maxHeapMb?: number;
  /** The kernel workers' script (default: kernelWorker.js beside `script`). */
  kernelScript?: string;
  /** Passed to every session (see SessionOptions.inPlaceBytes). */
  inPlaceBytes?: number;
  /** A worker thread (default), or a child process whose memory goes back when it exits. */
  kind?: WorkerKind;
  /**
   * Keep a spare worker: `prestart()` starts one, and each worker that served and went idle is
   * replaced by a fresh one, which stops if nothing is asked of it for this long (ms).
   */
  spareMs?: number;
}

interface Running {
  worker: WorkerHandle;
  endpoint: RpcEndpoint<MethodMap, SessionMethods>;
  /** Something was asked of it: it is no longer a spare. */
  served: boolean;
}

function progressOf(options: WorkOptions): ((p: WorkProgress) => void) | undefined {
  return options.onProgress ? (p) => options.onProgress!(p.done, p.total) : undefined;
}

export class RemoteSession {
  private closed = false;

  constructor(
    private readonly client: SessionClient,
    private readonly endpoint: RpcEndpoint<MethodMap, SessionMethods>,
    private readonly id: number,
    /** The report without hashes, as the worker computed it at open, its tensors as columns. */
    readonly packedReport: PackedReport,
    /** How long the worker took to parse the checkpoint and pack its report (ms), its own start not included. */
    readonly openMs: number,
  ) {}

  /** The report with its tensors as rows (made on first use: the inspector passes the columns on as they are). */
  get report(): InspectReport {
    return unpackReport(this.packedReport);
  }

  summaryWithHashes(options: WorkOptions = {}): Promise<InspectReport> {
    return this.packedSummaryWithHashes(options).then(unpackReport);
  }

  packedSummaryWithHashes(options: WorkOptions = {}): Promise<PackedReport> {
    return this.endpoint.request('hashes', { session: this.id }, { signal: options.signal, onProgress: progressOf(options) });
  }

  stats(path: string, options: WorkOptions & { bins?: number } = {}): Promise<TensorStats> {
    return this.endpoint.request('stats', { session: this.id, path, ...(options.bins ? { bins: options.bins } : {}) }, { signal: options.signal, onProgress: progressOf(options) });
  }

  scanNonFinite(options: WorkOptions = {}): Promise<NonFiniteScan> {
    return this.endpoint.request('scanNonFinite', { session: this.id }, { signal: options.signal, onProgress: progressOf(options) });
  }

  /** This session (A) compared with `other` (B), in the worker both live in. */
  compareWith(other: RemoteSession, options: AlignOptions & WorkOptions = {}): Promise<SessionComparison> {
    this.checkPeer(other);
    const { align, stripPrefix } = options;
    return this.endpoint.request('compare', { a: this.id, b: other.id, ...(align ? { align } : {}), ...(stripPrefix ? { stripPrefix } : {}) }, { signal: options.signal, onProgress: progressOf(options) });
  }

  /** Statistics of `other`'s tensor at `pathB` minus this session's at `pathA`. */
  differenceWith(other: RemoteSession, pathA: string, pathB: string, options: WorkOptions & { bins?: number } = {}): Promise<TensorStats> {
    this.checkPeer(other);
    return this.endpoint.request('difference', { a: this.id, pathA, b: other.id, pathB, ...(options.bins ? { bins: options.bins } : {}) }, { signal: options.signal, onProgress: progressOf(options) });
  }

  /** Both sessions must live in one worker: a worker that was restarted in between has not got the other. */
  private checkPeer(other: RemoteSession): void {
    if (other.endpoint !== this.endpoint || this.closed || other.closed) throw Object.assign(new Error('The checkpoint reader was restarted: compare the two checkpoints again.'), { code: 'worker-stopped' });
  }

  /** Writes the model's weights for inference in the worker; a cancel leaves no file behind. */
  export(request: ExportRequest, options: WorkOptions = {}): Promise<ExportResult> {
    // A cancel resolves once the worker has removed what it wrote, not before.
    return this.endpoint.request('export', { session: this.id, request }, { signal: options.signal, onProgress: progressOf(options), awaitCancel: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.endpoint.request('close', { session: this.id });
    } catch {
      // The worker is gone already: so is the session.
    } finally {
      this.client.released();
    }
  }
}

/** Bytes on a SharedArrayBuffer cannot go to another process: they go as a copy. */
function unshared(spec: SourceSpec): SourceSpec {
  if (spec.kind !== 'memory' || !(spec.bytes.buffer instanceof SharedArrayBuffer)) return spec;
  return { ...spec, bytes: spec.bytes.slice() };
}

export class SessionClient {
  private running: Running | undefined;
  private open = 0;
  /** Requests in flight that belong to no session (verdicts). */
  private asking = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly options: SessionClientOptions) {}

  /** Sessions open now. */
  get sessions(): number {
    return this.open;
  }

  /** Whether the worker thread is running. */
  get active(): boolean {
    return this.running !== undefined;
  }

  /** Whether the running worker is a spare: started ahead, nothing asked of it yet. */
  get spare(): boolean {
    return this.running !== undefined && !this.running.served;
  }

  /**
   * Starts a spare worker when none runs (with `spareMs` set; otherwise nothing). It stops if
   * nothing is asked of it within `spareMs`.
   */
  prestart(): void {
    const spareMs = this.options.spareMs;
    if (spareMs === undefined || this.disposed || this.running) return;
    this.start(false);
    this.idle = setTimeout(() => void this.stop(), spareMs);
    this.idle.unref?.();
  }

  async openSession(spec: SourceSpec, options: { signal?: AbortSignal; sidecar?: { name: string; spec: SourceSpec } | null } = {}): Promise<RemoteSession> {
    if (this.disposed) throw new Error('The session client is closed.');
    const { endpoint } = this.start(true);
    this.open++;
    try {
      const { session, report, openMs } = await endpoint.request('open', { spec: this.options.kind === 'process' ? unshared(spec) : spec, ...(options.sidecar !== undefined ? { sidecar: options.sidecar } : {}) }, { signal: options.signal });
      return new RemoteSession(this, endpoint, session, report, openMs);
    } catch (err) {
      this.released();
      throw err;
    }
  }

  /**
   * The verdict on one file from its pickles (no tensor bytes are read). The worker stays up while
   * it is asked, as it does for an open session.
   */
  async verdict(spec: SourceSpec, options: { signal?: AbortSignal } = {}): Promise<FileVerdict> {
    if (this.disposed) throw new Error('The session client is closed.');
    const { endpoint } = this.start(true);
    this.asking++;
    try {
      return await endpoint.request('verdict', { spec: this.options.kind === 'process' ? unshared(spec) : spec }, { signal: options.signal });
    } finally {
      this.asking--;
      this.stopWhenIdle();
    }
  }

  /** A single file's facts (metrics, epoch, Lightning state), read in the worker. */
  checkpointFacts(spec: SourceSpec, options: { signal?: AbortSignal } = {}): Promise<CheckpointFacts> {
    return this.oneOff((endpoint) => endpoint.request('facts', { spec: this.options.kind === 'process' ? unshared(spec) : spec }, { signal: options.signal }));
  }

  /** The sha256 of a whole file's bytes, streamed in the worker. */
  sha256(spec: SourceSpec, options: WorkOptions = {}): Promise<{ sha256: string; bytes: number }> {
    return this.oneOff((endpoint) => endpoint.request('sha256', { spec: this.options.kind === 'process' ? unshared(spec) : spec }, { signal: options.signal, onProgress: progressOf(options) }));
  }

  /** A request outside any session: the worker stays while it runs, as for an open session. */
  private async oneOff<T>(ask: (endpoint: RpcEndpoint<MethodMap, SessionMethods>) => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('The session client is closed.');
    const { endpoint } = this.start(true);
    this.open++;
    try {
      return await ask(endpoint);
    } finally {
      this.released();
    }
  }

  /** Called by a session when it closes. */
  released(): void {
    this.open = Math.max(0, this.open - 1);
    this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (this.open > 0 || this.asking > 0 || !this.running) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.retire(), this.options.idleMs ?? 2000);
    this.idle.unref?.();
  }

  /** Stops the idle worker that served, and puts a fresh spare in its place. */
  private async retire(): Promise<void> {
    await this.stop();
    this.prestart();
  }

  private start(serve: boolean): Running {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.running) {
      if (serve) this.running.served = true;
      return this.running;
    }
    const settings = { kernelScript: this.options.kernelScript, inPlaceBytes: this.options.inPlaceBytes };
    const worker = startWorker(this.options.kind ?? 'thread', this.options.script, settings, this.options.maxHeapMb ?? 4096);
    const endpoint = new RpcEndpoint<MethodMap, SessionMethods>((m) => worker.post(m), {});
    const running: Running = { worker, endpoint, served: serve };
    worker.onMessage((m) => endpoint.receive(m));
    worker.onExit((message) => {
      endpoint.dispose({ message, code: 'worker-stopped' });
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  /** Ends the worker now; its sessions end with it. */
  async stop(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.endpoint.dispose();
    await running.worker.terminate();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }
}
