// The session worker's entry (bundled as dist/sessionWorker.js): opens checkpoint sessions and
// answers SessionMethods over its parent port, so that parsing, hashing and statistics never run
// on the extension host's thread. Its kernel workers share big reads out over the cores.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { KernelPool } from '../parallel/kernelPool';
import type { MethodMap } from '../rpc/rpcEndpoint';
import { RpcEndpoint } from '../rpc/rpcEndpoint';
import { CheckpointSession } from './checkpointSession';
import type { SessionMethods } from './sessionProtocol';
import { sessionErrorData } from './sessionProtocol';

const port = parentPort;
if (port) {
  const sessions = new Map<number, CheckpointSession>();
  let nextSession = 1;
  let pool: KernelPool | undefined;
  const data = (workerData ?? {}) as { kernelScript?: string; inPlaceBytes?: number };
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
  const endpoint = new RpcEndpoint<SessionMethods, MethodMap>((m) => port.postMessage(m), {
    open: ({ spec, sidecar }, { signal }) =>
      plain(async () => {
        const session = await CheckpointSession.open(spec, { signal, pool: kernels(), inPlaceBytes: data.inPlaceBytes, ...(sidecar !== undefined ? { sidecar } : {}) });
        if (signal.aborted) {
          await session.close();
          throw Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
        }
        const id = nextSession++;
        sessions.set(id, session);
        return { session: id, report: session.summary() };
      }),
    hashes: ({ session }, { signal, progress }) => plain(() => sessionOf(session).summaryWithHashes({ signal, onProgress: (done, total) => progress({ done, total }) })),
    stats: ({ session, path, bins }, { signal, progress }) => plain(() => sessionOf(session).stats(path, { bins, signal, onProgress: (done, total) => progress({ done, total }) })),
    scanNonFinite: ({ session }, { signal, progress }) => plain(() => sessionOf(session).scanNonFinite({ signal, onProgress: (done, total) => progress({ done, total }) })),
    close: async ({ session }) => {
      const s = sessions.get(session);
      sessions.delete(session);
      await s?.close();
      return null;
    },
  });
  port.on('message', (m: unknown) => endpoint.receive(m));
}
