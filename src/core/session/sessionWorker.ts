// The session worker's entry (bundled as dist/sessionWorker.js): opens checkpoint sessions and
// answers SessionMethods over its parent port, so that parsing, hashing and statistics never run
// on the extension host's thread. Its kernel workers share big reads out over the cores.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { abortError } from '../errors';
import { KernelPool } from '../parallel/kernelPool';
import type { MethodMap } from '../rpc/rpcEndpoint';
import { RpcEndpoint } from '../rpc/rpcEndpoint';
import { openSource, shareBytes } from '../io/sourceSpec';
import { readCheckpointFactsFrom } from '../inspect/checkpointFacts';
import { packReport } from '../inspect/tensorColumns';
import { sha256Of } from './fileHash';
import { CheckpointSession } from './checkpointSession';
import { verdictOf } from './fileVerdict';
import { compareSessions, differenceStats } from './sessionCompare';
import { exportFromSession } from './sessionExport';
import type { SessionMethods } from './sessionProtocol';
import { sessionErrorData } from './sessionProtocol';
import type { WorkerSettings } from './workerHost';
import { SETTINGS_VARIABLE } from './workerHost';

/** The parent's end: a worker thread's port, or a child process's IPC channel. */
function parentChannel(): { post(message: unknown): void; on(listener: (message: unknown) => void): void; settings: WorkerSettings } | undefined {
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), on: (l) => port.on('message', l), settings: (workerData ?? {}) as WorkerSettings };
  }
  if (process.send) {
    const send = process.send.bind(process);
    // The host went away: nothing is left to answer.
    process.on('disconnect', () => process.exit(0));
    return { post: (m) => send(m as never), on: (l) => process.on('message', l), settings: JSON.parse(process.env[SETTINGS_VARIABLE] ?? '{}') as WorkerSettings };
  }
  return undefined;
}

const port = parentChannel();
if (port) {
  const sessions = new Map<number, CheckpointSession>();
  let nextSession = 1;
  let pool: KernelPool | undefined;
  const data = port.settings;
  const kernels = (): KernelPool => (pool ??= new KernelPool({ script: data.kernelScript ?? join(__dirname, 'kernelWorker.js') }));
  const sessionOf = (id: number): CheckpointSession => {
    const s = sessions.get(id);
    if (!s) throw new Error('The checkpoint session is closed.');
    return s;
  };
  /** Turns a failure into plain data (a verdict, a damaged record) before it crosses. */
  const plain = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw Object.assign(new Error(), sessionErrorData(err));
    }
  };
  const endpoint = new RpcEndpoint<SessionMethods, MethodMap>((m) => port.post(m), {
    open: ({ spec, sidecar }, { signal }) =>
      plain(async () => {
        const started = performance.now();
        // Bytes that came from another process are shared again, for the kernel workers.
        const source = spec.kind === 'memory' ? { ...spec, bytes: shareBytes(spec.bytes) } : spec;
        const session = await CheckpointSession.open(source, { signal, pool: kernels(), inPlaceBytes: data.inPlaceBytes, ...(sidecar !== undefined ? { sidecar } : {}) });
        if (signal.aborted) {
          await session.close();
          throw abortError();
        }
        const id = nextSession++;
        sessions.set(id, session);
        const report = packReport(session.summary());
        return { session: id, report, openMs: Math.round(performance.now() - started) };
      }),
    hashes: ({ session }, { signal, progress }) => plain(async () => packReport(await sessionOf(session).summaryWithHashes({ signal, onProgress: (done, total) => progress({ done, total }) }))),
    stats: ({ session, path, bins }, { signal, progress }) => plain(() => sessionOf(session).stats(path, { bins, signal, onProgress: (done, total) => progress({ done, total }) })),
    scanNonFinite: ({ session }, { signal, progress }) => plain(() => sessionOf(session).scanNonFinite({ signal, onProgress: (done, total) => progress({ done, total }) })),
    compare: ({ a, b, align, stripPrefix }, { signal, progress }) =>
      plain(() => compareSessions(sessionOf(a), sessionOf(b), { align, stripPrefix, signal, onProgress: (done, total) => progress({ done, total }) })),
    difference: ({ a, pathA, b, pathB, bins }, { signal, progress }) =>
      plain(() => differenceStats(sessionOf(a), pathA, sessionOf(b), pathB, { bins, signal, onProgress: (done, total) => progress({ done, total }) })),
    export: ({ session, request }, { signal, progress }) => plain(() => exportFromSession(sessionOf(session), { ...request, signal, onProgress: (done, total) => progress({ done, total }) })),
    facts: ({ spec }) =>
      plain(async () => {
        const source = await openSource(spec);
        try {
          return await readCheckpointFactsFrom(source);
        } finally {
          await source.close();
        }
      }),
    sha256: ({ spec }, { signal, progress }) => plain(() => sha256Of(spec, { signal, onProgress: (done, total) => progress({ done, total }) })),
    close: async ({ session }) => {
      const s = sessions.get(session);
      sessions.delete(session);
      await s?.close();
      return null;
    },
    verdict: ({ spec }) => verdictOf(spec),
  });
  port.on((m) => endpoint.receive(m));
}
