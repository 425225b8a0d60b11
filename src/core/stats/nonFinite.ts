// NaN and infinity counts of a tensor in one pass over its bytes: pattern counts for the 8- and
// 16-bit dtypes, the moments pass for the wider ones. Integer and bool tensors have none.
import type { ElementKind } from './elementValues';
import type { ChunkStream } from './tensorStats';
import { scanMoments, scanPatterns } from './tensorStats';

export interface NonFiniteCounts {
  nan: number;
  posinf: number;
  neginf: number;
}

/** Whether a dtype (torch's name) can hold NaN or infinities at all. */
export function canBeNonFinite(dtype: string): boolean {
  return /^(float|bfloat|complex)/.test(dtype);
}

export async function countNonFinite(kind: ElementKind, chunks: ChunkStream, progress: (bytes: number) => void, signal?: AbortSignal): Promise<NonFiniteCounts> {
  if (kind.kind !== 'pattern') {
    const m = await scanMoments(kind, chunks, progress, signal);
    return { nan: m.nan, posinf: m.posinf, neginf: m.neginf };
  }
  const counts = await scanPatterns(kind.bits, chunks, progress, signal);
  const found = { nan: 0, posinf: 0, neginf: 0 };
  for (let p = 0; p < counts.length; p++) {
    if (counts[p] === 0) continue;
    const v = kind.values[p];
    if (v !== v) found.nan += counts[p];
    else if (v === Infinity) found.posinf += counts[p];
    else if (v === -Infinity) found.neginf += counts[p];
  }
  return found;
}
