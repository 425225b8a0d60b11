// Touches GIB GiB of fresh memory, one page after another, and exits, so that the free pages the
// next process gets are backed by the host again. On this virtual machine the balloon device
// has free page reporting on: the guest reports freed pages to the host, which takes them back,
// and the first write to such a page then waits on the host. Measured 2026-12-04 on a
// 4 GiB export: 2.1-2.4 s started right after the last one's output was deleted, 6.9-7.3 s
// started 10 s later, 1.8-2.2 s started 10 s later but right after this script had touched
// 8 GiB (`cp` of the same file: 1.8 s and 5.4-5.9 s). Usage: node bench/touchMemory.mjs GIB.
// Prints the milliseconds it took (slow when the pages were cold).
import { performance } from 'node:perf_hooks';

const gib = Number(process.argv[2]);
if (!(gib > 0)) throw new Error('usage: node bench/touchMemory.mjs GIB');
const t0 = performance.now();
const held = [];
for (let left = gib * 2 ** 30; left > 0; left -= 2 ** 28) {
  const block = Buffer.allocUnsafeSlow(Math.min(left, 2 ** 28));
  block.fill(1);
  held.push(block);
}
process.stdout.write(`${Math.round(performance.now() - t0)}\n`);
