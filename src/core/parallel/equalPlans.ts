// Which pairs of plans hold equal bytes, told in this thread with bytesAllEqual before any work
// goes to the kernel workers: two identical files are answered without starting a worker (their
// start-up was a third of the CLI's CPU time on that case), and a pair that differs costs one
// small read of each side before it is sent on.
import { bytesAllEqual, canCheckEqual } from './equalBytes';
import { SourceCache } from './sourceCache';
import type { TensorPlan } from './tensorPlan';

/** `progress(pair, bytes)`: the bytes read so far of that pair's two sides (set, not added). */
export async function equalPlanPairs(pairs: ReadonlyArray<readonly [TensorPlan, TensorPlan] | undefined>, progress: (pair: number, bytes: number) => void, signal?: AbortSignal): Promise<boolean[]> {
  const sources = new SourceCache();
  try {
    const out: boolean[] = [];
    for (const [i, pair] of pairs.entries()) {
      if (!pair) {
        out.push(false);
        continue;
      }
      const [a, b] = pair;
      const [sa, sb] = await Promise.all([sources.get(a.source), sources.get(b.source)]);
      let read = 0;
      const equal = canCheckEqual(a, sa, b, sb) && (await bytesAllEqual(a, sa, b, sb, (n) => progress(i, (read += n)), signal));
      // A pair that differs is read again from its start: its bytes are counted then.
      if (!equal && read > 0) progress(i, 0);
      out.push(equal);
    }
    return out;
  } finally {
    await sources.closeAll();
  }
}
