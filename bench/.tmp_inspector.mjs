import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCore } from './benchKit.mjs';
const { SessionClient } = await loadCore('sessclient', { 'session/sessionClient': ['SessionClient'] });
const file = process.argv[2];
for (let r = 0; r < 4; r++) {
  const client = new SessionClient({ script: join(process.cwd(), 'dist', 'sessionWorker.js'), idleMs: 0, kind: 'process' });
  const t0 = performance.now();
  const session = await client.openSession({ kind: 'file', path: file });
  const t1 = performance.now();
  const s = await session.summary?.() ?? await session.summaryWithHashes();
  const t2 = performance.now();
  console.log(`open ${(t1 - t0).toFixed(0)} ms, summary ${(t2 - t1).toFixed(0)} ms, tensors ${s.tensors?.length}`);
  await session.close();
  await client.dispose();
}
