// The kernel worker's entry (bundled as dist/kernelWorker.js): answers KernelMethods over its
// parent port. It keeps no state but a cache of open byte sources.
import { parentPort } from 'node:worker_threads';
import { RpcEndpoint } from '../rpc/rpcEndpoint';
import type { MethodMap } from '../rpc/rpcEndpoint';
import type { KernelMethods } from './kernelProtocol';
import { compareKernel, crc32Kernel, histogramKernel, momentsKernel, nonFiniteKernel, patternsKernel, sha256Kernel } from './kernels';
import { SourceCache } from './sourceCache';

const port = parentPort;
if (port) {
  const sources = new SourceCache();
  const open = (plan: { source: Parameters<SourceCache['get']>[0] }) => sources.get(plan.source);
  const endpoint = new RpcEndpoint<KernelMethods, MethodMap>((m) => port.postMessage(m), {
    sha256: ({ plans }, { signal, progress }) => sha256Kernel(plans, open, { signal, progress }),
    crc32: ({ plans }, { signal, progress }) => crc32Kernel(plans, open, { signal, progress }),
    nonFinite: ({ plans }, { signal, progress }) => nonFiniteKernel(plans, open, { signal, progress }),
    moments: ({ plan }, { signal, progress }) => momentsKernel(plan, open, { signal, progress }),
    histogram: ({ plan, edges }, { signal, progress }) => histogramKernel(plan, edges, open, { signal, progress }),
    patterns: ({ plan }, { signal, progress }) => patternsKernel(plan, open, { signal, progress }),
    compare: ({ pairs }, { signal, progress }) => compareKernel(pairs, open, { signal, progress }),
  });
  port.on('message', (m: unknown) => {
    if (m === 'close-sources') void sources.closeAll();
    else endpoint.receive(m);
  });
}
