// The CLI's kernel workers: one per core, beside the bundle (dist/kernelWorker.js), closed when
// the command is done so the process can exit.
import { join } from 'node:path';
import { KernelPool } from '../core/parallel/kernelPool';

export async function withPool<T>(run: (pool: KernelPool) => Promise<T>): Promise<T> {
  const pool = new KernelPool({ script: join(__dirname, 'kernelWorker.js') });
  try {
    return await run(pool);
  } finally {
    await pool.dispose();
  }
}
