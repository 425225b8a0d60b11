// An export's result in words, as the CLI prints it and the extension's message shows it.
import { formatBytes } from '../format';
import type { ExportResult } from './exportCheckpoint';

/** The share of the source, e.g. `17%` (one decimal below 10%). */
export function shareText(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** `22.7 KiB, 17% of the 131 KiB source`. */
export function sizeLine(r: ExportResult): string {
  return `${formatBytes(r.bytes)}, ${shareText(r.share)} of the ${formatBytes(r.sourceBytes)} source`;
}

/** `31 tensors from "model", 31 cast to bf16, 1 tied (lm_head.weight = transformer.wte.weight)`. */
export function contentLine(r: ExportResult): string {
  const from = r.weightsKey === '' ? 'the whole file' : `"${r.weightsKey}"`;
  const cast = r.cast ? `, ${r.cast} cast to ${r.dtype}` : '';
  const ties = r.ties.length ? `, ${r.ties.length} tied (${r.ties.map((t) => `${t.name} = ${t.sameAs}`).join(', ')})` : '';
  return `${r.tensors} tensors from ${from}${cast}${ties}`;
}
