// Where the session worker runs: a worker thread, or a child process. The extension uses a child
// process, so the memory a parse takes is the child's and goes back to the system when it exits
// (a thread's freed heap stays in the host's resident set); tests and benches can use either.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';

export type WorkerKind = 'thread' | 'process';

export interface WorkerSettings {
  kernelScript?: string;
  inPlaceBytes?: number;
}

/** One running worker, whichever its kind. */
export interface WorkerHandle {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when it has stopped (an exit, a crash, or terminate). */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

/** The environment variable a child process finds its WorkerSettings in. */
export const SETTINGS_VARIABLE = 'CHECKPOINT_MANAGER_WORKER_SETTINGS';

export function startWorker(kind: WorkerKind, script: string, settings: WorkerSettings, maxHeapMb: number): WorkerHandle {
  return kind === 'thread' ? startThread(script, settings, maxHeapMb) : startProcess(script, settings, maxHeapMb);
}

function once(listener: (reason: string) => void): (reason: string) => void {
  let called = false;
  return (reason) => {
    if (!called) {
      called = true;
      listener(reason);
    }
  };
}

function startThread(script: string, settings: WorkerSettings, maxHeapMb: number): WorkerHandle {
  // A 64 MB young generation: a 60,000-tensor parse took half the time it took with the default.
  const worker = new Worker(script, { workerData: settings, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64 } });
  const exited: Promise<void> = new Promise((resolve) => worker.once('exit', () => resolve()));
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => {
      const done = once(l);
      worker.on('error', (err) => done(`The checkpoint reader stopped: ${err.message}`));
      worker.on('exit', (code) => done(`The checkpoint reader stopped (exit code ${code}).`));
    },
    terminate: async () => {
      await worker.terminate();
      await exited;
    },
  };
}

function startProcess(script: string, settings: WorkerSettings, maxHeapMb: number): WorkerHandle {
  const env: NodeJS.ProcessEnv = { ...process.env, [SETTINGS_VARIABLE]: JSON.stringify(settings) };
  // Node start-up parses this bundle of certificates when it is set, for nothing here.
  delete env.NODE_EXTRA_CA_CERTS;
  const child = fork(script, [], {
    env,
    serialization: 'advanced',
    execArgv: [`--max-old-space-size=${maxHeapMb}`, '--max-semi-space-size=32'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited: Promise<void> = new Promise((resolve) => child.once('exit', () => resolve()));
  return {
    post: (m) => {
      if (child.connected) child.send(m as never);
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => {
      const done = once(l);
      child.on('error', (err) => done(`The checkpoint reader stopped: ${err.message}`));
      child.on('exit', (code, signal) => done(`The checkpoint reader stopped (${signal ?? `exit code ${code}`}).`));
    },
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
