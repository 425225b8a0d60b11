// A few kernel workers (worker_threads), one per core by default, started on first use. A task
// goes to an idle worker, or waits in line; cancelling a task stops it in its worker at the next
// chunk. Our own small pool rather than piscina: tasks need progress reports and cancellation
// through the same request/response layer as every other peer, and the workers keep open file
// handles between tasks, which a stateless task runner does not model.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from '../errors';
import type { MethodMap, RequestOptions } from '../rpc/rpcEndpoint';
import { RpcEndpoint } from '../rpc/rpcEndpoint';
import type { KernelMethod, KernelMethods } from './kernelProtocol';

export interface KernelPoolOptions {
  /** Workers at most (default: the cores, at most 4). */
  size?: number;
  /** The worker's script (default: kernelWorker.js beside the running bundle). */
  script?: string;
  /** V8's young generation per worker: big enough that short-lived chunks do not churn the GC. */
  youngGenerationMb?: number;
}

interface Slot {
  worker: Worker;
  endpoint: RpcEndpoint<MethodMap, KernelMethods>;
  busy: boolean;
}

interface Waiting {
  start(slot: Slot): void;
  reject(error: Error): void;
}

export class KernelPool {
  readonly size: number;
  private readonly script: string;
  private readonly youngGenerationMb: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private readonly queuedBySignal = new Map<AbortSignal, { tasks: Set<Waiting>; onAbort: () => void }>();
  private disposed = false;

  constructor(options: KernelPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism()));
    this.script = options.script ?? join(__dirname, 'kernelWorker.js');
    this.youngGenerationMb = options.youngGenerationMb ?? 64;
  }

  /** Runs one kernel call on a worker. */
  run<K extends KernelMethod>(method: K, params: KernelMethods[K]['params'], options: RequestOptions<KernelMethods[K]['progress']> = {}): Promise<KernelMethods[K]['result']> {
    if (this.disposed) return Promise.reject(new Error('The kernel pool is closed.'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const waiting: Waiting = {
        reject,
        start: (slot) => {
          // Out of the queue: the endpoint's request listens to the signal from here on.
          if (signal) this.unwatch(signal, waiting);
          slot.busy = true;
          slot.worker.ref();
          slot.endpoint
            .request(method, params, options)
            .then(resolve, reject)
            .finally(() => {
              slot.busy = false;
              // An idle worker must not keep a CLI process alive once its work is done. One that
              // dispose() is ending must: unref'd, the process could exit before its 'exit' event,
              // with `await dispose()` never settled and the caller's next step never run.
              if (!this.disposed) slot.worker.unref();
              this.next();
            });
        },
      };
      if (signal) this.watch(signal, waiting);
      this.queue.push(waiting);
      this.next();
    });
  }

  /**
   * One abort listener per signal for all the tasks queued under it: a caller that queues many
   * batches under one signal (a comparison does) would otherwise add a listener per batch.
   */
  private watch(signal: AbortSignal, waiting: Waiting): void {
    let queued = this.queuedBySignal.get(signal);
    if (!queued) {
      const tasks = new Set<Waiting>();
      const onAbort = (): void => {
        this.queuedBySignal.delete(signal);
        for (const task of tasks) {
          const i = this.queue.indexOf(task);
          if (i >= 0) this.queue.splice(i, 1);
          task.reject(abortError());
        }
      };
      queued = { tasks, onAbort };
      this.queuedBySignal.set(signal, queued);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    queued.tasks.add(waiting);
  }

  private unwatch(signal: AbortSignal, waiting: Waiting): void {
    const queued = this.queuedBySignal.get(signal);
    if (!queued) return;
    queued.tasks.delete(waiting);
    if (queued.tasks.size > 0) return;
    this.queuedBySignal.delete(signal);
    signal.removeEventListener('abort', queued.onAbort);
  }

  private next(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy) ?? this.spawn();
      if (!slot) return;
      this.queue.shift()!.start(slot);
    }
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size || this.disposed) return undefined;
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: this.youngGenerationMb } });
    const endpoint = new RpcEndpoint<MethodMap, KernelMethods>((m) => worker.postMessage(m), {});
    const slot: Slot = { worker, endpoint, busy: false };
    worker.on('message', (m: unknown) => endpoint.receive(m));
    const fail = (err: Error): void => {
      endpoint.dispose({ message: `A kernel worker stopped: ${err.message}`, code: 'worker-stopped' });
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (!this.disposed) this.next();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** Closes the file handles the workers keep (after a session closes its file). */
  releaseSources(): void {
    for (const s of this.slots) s.worker.postMessage('close-sources');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const w of this.queue.splice(0)) w.reject(new Error('The kernel pool is closed.'));
    for (const [signal, { onAbort }] of this.queuedBySignal) signal.removeEventListener('abort', onAbort);
    this.queuedBySignal.clear();
    const slots = this.slots.splice(0);
    for (const s of slots) s.endpoint.dispose();
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
