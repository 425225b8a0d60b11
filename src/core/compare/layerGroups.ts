// The model's relative change per layer, for the compare report's chart: each common tensor's
// rel_l2 (0 for an identical one) is placed by the block index in its path (`transformer.h.3.`,
// `model.layers.3.`, `blocks.3.`) and by the module kind its name says (attention, MLP,
// embeddings, and the rest: the head, norms, anything else). Tensors outside any block go before
// the first block (embeddings) or after the last (the head and the rest). A point is the mean
// rel_l2 of its group's tensors.
import type { CompareReport } from './compareReport';

export type ModuleKind = 'attn' | 'mlp' | 'embeddings' | 'head/other';

export const MODULE_KINDS: readonly ModuleKind[] = ['attn', 'mlp', 'embeddings', 'head/other'];

/** One group: a position on the x axis and a module kind. */
export interface LayerGroup {
  /** The block index, or -1 before the first block (embeddings) and last + 1 after it (the rest). */
  x: number;
  /** `embeddings`, `3`, `head`: what the axis and the table call the position. */
  position: string;
  kind: ModuleKind;
  tensors: number;
  /** Mean and largest rel_l2 of the group's tensors. */
  mean: number;
  max: number;
}

export interface LayerChanges {
  /** The x positions in order, each with its label. */
  positions: Array<{ x: number; label: string }>;
  /** One line per module kind that has any point: the mean rel_l2 at each position, null where none. */
  series: Array<{ kind: ModuleKind; values: Array<number | null> }>;
  groups: LayerGroup[];
  /** Common tensors left out: a rel_l2 that is not a number (a dtype without values, NaN in the data). */
  skipped: number;
}

const BLOCK = /(?:^|\.)(\d+)\./;
const EMBEDDING = /(?:^|\.)(?:wte|wpe|tok_embeddings|embed_tokens|embed_positions|word_embeddings|position_embeddings|token_embedding\w*|embeddings?|embed)(?:\.|$)/i;
const ATTENTION = /(?:attn|attention|\.(?:q|k|v|o|out)_proj\.|\.c_[qkv]\.|\.query\.|\.key\.|\.value\.|\.qkv\.)/i;
const MLP = /(?:mlp|ffn|feed_forward|feedforward|\.c_fc\.|\.fc\d*\.|\.(?:up|down|gate)_proj\.|\.intermediate\.|\.w[123]\.)/i;

/** The block index in a path, or undefined for a tensor outside the blocks. */
export function blockIndex(path: string): number | undefined {
  const m = BLOCK.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** The module kind a tensor's path names. */
export function moduleKind(path: string): ModuleKind {
  const p = `.${path}.`;
  if (blockIndex(path) === undefined && EMBEDDING.test(path)) return 'embeddings';
  if (ATTENTION.test(p)) return 'attn';
  if (MLP.test(p)) return 'mlp';
  if (EMBEDDING.test(path)) return 'embeddings';
  return 'head/other';
}

/** The rel_l2 of every common model tensor of the report, 0 for the identical ones, grouped by layer. */
export function layerChanges(report: Pick<CompareReport, 'changed' | 'identical'>): LayerChanges {
  const rows: Array<{ path: string; rel: number }> = [...report.changed.map((c) => ({ path: c.path, rel: c.rel_l2 })), ...report.identical.map((path) => ({ path, rel: 0 }))];
  let skipped = 0;
  let first = Infinity;
  let last = -Infinity;
  const placed: Array<{ block: number | undefined; kind: ModuleKind; rel: number }> = [];
  for (const { path, rel } of rows) {
    if (Number.isNaN(rel)) {
      skipped++;
      continue;
    }
    const block = blockIndex(path);
    if (block !== undefined) {
      first = Math.min(first, block);
      last = Math.max(last, block);
    }
    placed.push({ block, kind: moduleKind(path), rel });
  }
  if (first === Infinity) first = last = 0;
  const before = first - 1;
  const after = last + 1;
  const byKey = new Map<string, LayerGroup>();
  for (const p of placed) {
    const x = p.block ?? (p.kind === 'embeddings' ? before : after);
    const key = `${x}|${p.kind}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { x, position: '', kind: p.kind, tensors: 0, mean: 0, max: 0 }));
    g.tensors++;
    g.mean += (p.rel - g.mean) / g.tensors;
    if (p.rel > g.max) g.max = p.rel;
  }
  const xs = [...new Set([...byKey.values()].map((g) => g.x))].sort((a, b) => a - b);
  const hasBlocks = placed.some((p) => p.block !== undefined);
  const label = (x: number): string => (!hasBlocks ? (x === before ? 'embeddings' : 'other') : x === before && x < first ? 'embeddings' : x === after && x > last ? 'head' : String(x));
  const groups = [...byKey.values()].map((g) => ({ ...g, position: label(g.x) }));
  groups.sort((a, b) => a.x - b.x || MODULE_KINDS.indexOf(a.kind) - MODULE_KINDS.indexOf(b.kind));
  const series = MODULE_KINDS.filter((kind) => groups.some((g) => g.kind === kind)).map((kind) => ({
    kind,
    values: xs.map((x) => byKey.get(`${x}|${kind}`)?.mean ?? null),
  }));
  return { positions: xs.map((x) => ({ x, label: label(x) })), series, groups, skipped };
}
