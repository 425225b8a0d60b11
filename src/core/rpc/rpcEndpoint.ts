// One small request/response layer for every pair of peers that talk by messages: the extension
// host and its webviews, the host and the session worker. Each request carries an id; its answer,
// its error and its progress reports carry that id back (`replyTo`), and either side may cancel
// it. Pure TypeScript: no `vscode`, no DOM, no Node, so every bundle uses the same code.

/** What a peer answers: method name → its params, result and progress report types. */
export type MethodMap = Record<string, { params: unknown; result: unknown; progress?: unknown }>;

export interface RpcErrorData {
  message: string;
  /** A CheckpointError code, a file-system code, or `cancelled`. */
  code?: string;
  /** Plain data the error carries (a SecurityReport, the damaged tensor's path...). */
  data?: unknown;
}

export type RpcMessage =
  | { rpc: 'request'; id: number; method: string; params: unknown }
  | { rpc: 'result'; replyTo: number; result: unknown }
  | { rpc: 'error'; replyTo: number; error: RpcErrorData }
  | { rpc: 'progress'; replyTo: number; progress: unknown }
  | { rpc: 'cancel'; replyTo: number }
  | { rpc: 'event'; event: unknown };

/** A failed request as the caller sees it: the peer's message, code and data. */
export class RpcError extends Error {
  readonly code?: string;
  readonly data?: unknown;
  constructor(error: RpcErrorData) {
    super(error.message);
    this.name = error.code === 'cancelled' ? 'AbortError' : 'RpcError';
    this.code = error.code;
    this.data = error.data;
  }
}

export interface HandlerContext<P> {
  /** Aborted when the caller cancels or the endpoint is disposed. */
  signal: AbortSignal;
  progress(report: P): void;
}

export type Handlers<M extends MethodMap> = {
  [K in keyof M]: (params: M[K]['params'], context: HandlerContext<M[K]['progress']>) => Promise<M[K]['result']> | M[K]['result'];
};

export interface RequestOptions<P> {
  signal?: AbortSignal;
  onProgress?: (report: P) => void;
  /**
   * On abort, wait for the peer's answer to the cancel (its handler has stopped and cleaned up)
   * instead of rejecting at once. For work whose cleanup the caller must see finished, such as an
   * export that removes its temp file. The answer may still be a result, when the work won the race.
   */
  awaitCancel?: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (report: unknown) => void;
  cleanup(): void;
}

function isRpcMessage(value: unknown): value is RpcMessage {
  return !!value && typeof value === 'object' && typeof (value as { rpc?: unknown }).rpc === 'string';
}

/** Turns whatever a handler threw into what crosses the wire. */
export function toErrorData(err: unknown): RpcErrorData {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; code?: unknown; name?: unknown; data?: unknown };
    const out: RpcErrorData = { message: typeof e.message === 'string' ? e.message : String(err) };
    if (e.name === 'AbortError') out.code = 'cancelled';
    else if (typeof e.code === 'string') out.code = e.code;
    if (e.data !== undefined) out.data = e.data;
    return out;
  }
  return { message: String(err) };
}

/**
 * One side of a conversation. `Local` is what this side answers (every method must have a
 * handler), `Remote` what the other side answers; `LocalEvent`/`RemoteEvent` are the
 * notifications each side sends without expecting an answer.
 */
export class RpcEndpoint<Local extends MethodMap, Remote extends MethodMap, LocalEvent = never, RemoteEvent = never> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<number, AbortController>();
  private disposed = false;

  constructor(
    private readonly post: (message: RpcMessage) => void,
    private readonly handlers: Handlers<Local>,
    private readonly onEvent: (event: RemoteEvent) => void = () => undefined,
  ) {}

  /** Asks the peer; resolves with its result, rejects with an RpcError (AbortError when cancelled). */
  request<K extends keyof Remote & string>(method: K, params: Remote[K]['params'], options: RequestOptions<Remote[K]['progress']> = {}): Promise<Remote[K]['result']> {
    if (this.disposed) return Promise.reject(new RpcError({ message: 'The connection is closed.', code: 'cancelled' }));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new RpcError({ message: 'Cancelled.', code: 'cancelled' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.post({ rpc: 'cancel', replyTo: id });
        if (!options.awaitCancel) this.settle(id)?.reject(new RpcError({ message: 'Cancelled.', code: 'cancelled' }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress as ((report: unknown) => void) | undefined,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      this.post({ rpc: 'request', id, method, params });
    });
  }

  /** Tells the peer something; no answer comes back. */
  emit(event: LocalEvent): void {
    if (!this.disposed) this.post({ rpc: 'event', event });
  }

  /** Feeds one incoming message; returns false for anything that is not an RPC message. */
  receive(message: unknown): boolean {
    if (!isRpcMessage(message) || this.disposed) return false;
    switch (message.rpc) {
      case 'request':
        void this.answer(message.id, message.method, message.params);
        break;
      case 'result':
        this.settle(message.replyTo)?.resolve(message.result);
        break;
      case 'error':
        this.settle(message.replyTo)?.reject(new RpcError(message.error));
        break;
      case 'progress':
        this.pending.get(message.replyTo)?.onProgress?.(message.progress);
        break;
      case 'cancel':
        this.running.get(message.replyTo)?.abort();
        break;
      case 'event':
        this.onEvent(message.event as RemoteEvent);
        break;
      default: {
        const unknownKind: never = message;
        return Boolean(unknownKind);
      }
    }
    return true;
  }

  /** Requests in flight from this side. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Rejects what this side is waiting for (with `reason`, by default as cancelled) and aborts what
   * it is answering.
   */
  dispose(reason: RpcErrorData = { message: 'The connection is closed.', code: 'cancelled' }): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new RpcError(reason));
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.cleanup();
    return p;
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method as keyof Local] : undefined;
    if (!handler) {
      this.post({ rpc: 'error', replyTo: id, error: { message: `Unknown method "${method}".`, code: 'unknown-method' } });
      return;
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      const result = await handler(params as never, {
        signal: controller.signal,
        progress: (report) => {
          if (!controller.signal.aborted) this.post({ rpc: 'progress', replyTo: id, progress: report });
        },
      });
      if (!controller.signal.aborted) this.post({ rpc: 'result', replyTo: id, result });
    } catch (err) {
      if (!this.disposed) this.post({ rpc: 'error', replyTo: id, error: controller.signal.aborted ? { message: 'Cancelled.', code: 'cancelled' } : toErrorData(err) });
    } finally {
      this.running.delete(id);
    }
  }
}
