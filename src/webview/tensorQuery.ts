// Filtering and sorting the tensor table. Pure: the table view renders what these return.
import type { TensorInfo } from '../core/inspect/report';
import { setOwn } from '../core/inspect/ownRecord';
import { numel } from '../core/torch/tensorRef';
import { formatShape } from './format';

export type SortKey = 'index' | 'path' | 'dtype' | 'shape' | 'elements' | 'bytes';
export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  key: SortKey;
  direction: SortDirection;
}

/** A tensor with its derived columns computed once, not on every sort or filter. */
export interface TensorRow {
  /** Position in the file's order (the default sort). */
  index: number;
  path: string;
  /** What the path column shows: the readable label (Lightning callback keys), else the path. */
  shownPath: string;
  dtype: string;
  shape: readonly number[];
  shapeText: string;
  elements: number;
  bytes: number;
  sha256?: string;
  /** The saved device (`cpu`, `cuda:0`); absent for safetensors. */
  device?: string;
  /** The shard file that holds it, in a sharded set. */
  file?: string;
  /** A DCP tensor's chunks, one line each (`__0_0.distcp at [0, 0], [4, 4]`), for the shard cell's tooltip. */
  chunksText?: string;
  /** Lower-cased text the filter matches against. */
  haystack: string;
}

export const DEFAULT_SORT: SortSpec = { key: 'index', direction: 'asc' };

export function toRows(tensors: readonly TensorInfo[]): TensorRow[] {
  return tensors.map((t, index) => {
    const shapeText = formatShape(t.shape);
    return {
      index,
      path: t.path,
      shownPath: t.label ?? t.path,
      dtype: t.dtype,
      shape: t.shape,
      shapeText,
      elements: numel(t.shape),
      bytes: t.nbytes,
      sha256: t.sha256,
      device: t.device,
      file: t.file,
      ...(t.chunks ? { chunksText: t.chunks.map((c) => `${c.file} at [${c.offsets.join(', ')}], [${c.sizes.join(', ')}]`).join('\n') } : {}),
      haystack: `${t.path}\n${t.label ?? ''}\n${t.dtype}\n${shapeText}\n${t.device ?? ''}\n${t.sha256 ?? ''}\n${t.file ?? ''}`.toLowerCase(),
    };
  });
}

/**
 * Rows whose path (or its label), dtype, shape, device or sha256 contain every whitespace-separated term of `query`
 * (case-insensitive). `h.0 bfloat16` keeps the bf16 tensors of layer 0.
 */
export function filterRows(rows: readonly TensorRow[], query: string): TensorRow[] {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  if (terms.length === 0) return rows.slice();
  return rows.filter((r) => terms.every((t) => r.haystack.includes(t)));
}

// Numeric-aware so `h.2` sorts before `h.10`.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareShapes(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function compareBy(key: SortKey, a: TensorRow, b: TensorRow): number {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'path':
      return collator.compare(a.shownPath, b.shownPath);
    case 'dtype':
      return collator.compare(a.dtype, b.dtype);
    case 'shape':
      return compareShapes(a.shape, b.shape);
    case 'elements':
      return a.elements - b.elements;
    case 'bytes':
      return a.bytes - b.bytes;
  }
}

/** A sorted copy; ties keep the file's order whichever the direction. */
export function sortRows(rows: readonly TensorRow[], sort: SortSpec): TensorRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows.slice().sort((a, b) => sign * compareBy(sort.key, a, b) || a.index - b.index);
}

/** The shown rows' hashes as a JSON object, path to sha256, in the order shown; rows without one are left out. */
export function hashesJson(rows: readonly TensorRow[]): string {
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (r.sha256 !== undefined) setOwn(out, r.path, r.sha256);
  }
  return JSON.stringify(out, null, 2);
}

/** The sort after clicking a column header: a new column sorts ascending (sizes descending), the same column flips. */
export function nextSort(current: SortSpec, clicked: SortKey): SortSpec {
  if (current.key === clicked) return { key: clicked, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  const bigFirst = clicked === 'elements' || clicked === 'bytes';
  return { key: clicked, direction: bigFirst ? 'desc' : 'asc' };
}

const SORT_KEYS: readonly SortKey[] = ['index', 'path', 'dtype', 'shape', 'elements', 'bytes'];

/** A sort read back from persisted state, which may come from an older version: anything odd gives the default. */
export function parseSort(value: unknown): SortSpec {
  if (value && typeof value === 'object') {
    const { key, direction } = value as { key?: unknown; direction?: unknown };
    if (SORT_KEYS.includes(key as SortKey) && (direction === 'asc' || direction === 'desc')) {
      return { key: key as SortKey, direction };
    }
  }
  return DEFAULT_SORT;
}
