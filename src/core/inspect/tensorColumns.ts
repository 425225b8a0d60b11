// The tensor table of a report as columns, for the two hops it takes to the inspector (session
// worker → extension host → webview). Copying 60,000 small objects between processes is what
// cost: structured clone and JSON both walk every object and key. Columns are a few long strings
// and typed arrays, which both hops copy whole. Plain data only; `unpackReport` gives back the
// report as the worker made it (every field, absent ones still absent).
import type { InspectReport, TensorInfo, TensorRole } from './report';

/** Strings that repeat (dtype, role, device, file): each row's index into `values`, 0 where absent. */
export interface CodedColumn {
  values: string[];
  codes: Uint32Array;
}

/** Strings of their own (path, label, sameAs, sha256): one text, each row's end in it, and whether it has one. */
export interface TextColumn {
  text: string;
  ends: Uint32Array;
  present: Uint8Array;
}

export interface TensorColumns {
  count: number;
  path: TextColumn;
  label: TextColumn;
  sameAs: TextColumn;
  sha256: TextColumn;
  dtype: CodedColumn;
  role: CodedColumn;
  device: CodedColumn;
  file: CodedColumn;
  nbytes: Float64Array;
  /** Each row's number of dimensions, and all dimensions one after another. */
  rank: Uint32Array;
  dims: Float64Array;
  /** The few assembled tensors' chunks, by row. */
  chunks: Array<[number, NonNullable<TensorInfo['chunks']>]>;
}

/** The report as it crosses to the inspector: everything but the tensors as it is, the tensors as columns. */
export type PackedReport = Omit<InspectReport, 'tensors'> & { tensorColumns: TensorColumns };

type TextField = 'path' | 'label' | 'sameAs' | 'sha256';
type CodedField = 'dtype' | 'role' | 'device' | 'file';

/** Every field of TensorInfo, by how it is packed: a field added there and not here fails to compile. */
const FIELDS: Record<keyof TensorInfo, 'text' | 'coded' | 'own'> = {
  path: 'text',
  label: 'text',
  sameAs: 'text',
  sha256: 'text',
  dtype: 'coded',
  role: 'coded',
  device: 'coded',
  file: 'coded',
  nbytes: 'own',
  shape: 'own',
  chunks: 'own',
};
const TEXT = Object.keys(FIELDS).filter((k) => FIELDS[k as keyof TensorInfo] === 'text') as TextField[];
const CODED = Object.keys(FIELDS).filter((k) => FIELDS[k as keyof TensorInfo] === 'coded') as CodedField[];
/** The columns a row may lack (path, dtype and role every row has). */
const OPTIONAL_TEXT = TEXT.filter((f) => f !== 'path');
const OPTIONAL_CODED = CODED.filter((f) => f !== 'dtype' && f !== 'role');

function textColumn(tensors: readonly TensorInfo[], field: TextField): TextColumn {
  const ends = new Uint32Array(tensors.length);
  const present = new Uint8Array(tensors.length);
  const parts: string[] = [];
  let end = 0;
  for (let i = 0; i < tensors.length; i++) {
    const v = tensors[i][field];
    if (v !== undefined) {
      parts.push(v);
      end += v.length;
      present[i] = 1;
    }
    ends[i] = end;
  }
  return { text: parts.join(''), ends, present };
}

function codedColumn(tensors: readonly TensorInfo[], field: CodedField): CodedColumn {
  const values: string[] = [''];
  const index = new Map<string, number>();
  const codes = new Uint32Array(tensors.length);
  for (let i = 0; i < tensors.length; i++) {
    const v = tensors[i][field];
    if (v === undefined) continue;
    let code = index.get(v);
    if (code === undefined) {
      code = values.push(v) - 1;
      index.set(v, code);
    }
    codes[i] = code;
  }
  return { values, codes };
}

export function toColumns(tensors: readonly TensorInfo[]): TensorColumns {
  const rank = new Uint32Array(tensors.length);
  const nbytes = new Float64Array(tensors.length);
  let dimCount = 0;
  for (const t of tensors) dimCount += t.shape.length;
  const dims = new Float64Array(dimCount);
  const chunks: TensorColumns['chunks'] = [];
  let d = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    rank[i] = t.shape.length;
    for (const n of t.shape) dims[d++] = n;
    nbytes[i] = t.nbytes;
    if (t.chunks !== undefined) chunks.push([i, t.chunks]);
  }
  const columns = { count: tensors.length, rank, dims, nbytes, chunks } as Partial<TensorColumns> & Pick<TensorColumns, 'count'>;
  for (const f of TEXT) columns[f] = textColumn(tensors, f);
  for (const f of CODED) columns[f] = codedColumn(tensors, f);
  return columns as TensorColumns;
}

/** Where row `i`'s text starts in its column's text (it ends at `ends[i]`). */
function rowStart(column: TextColumn, i: number): number {
  return i === 0 ? 0 : column.ends[i - 1];
}

/** Row `i` of a text column, or undefined where it has none. */
export function textAt(column: TextColumn, i: number): string | undefined {
  if (!column.present[i]) return undefined;
  return column.text.slice(rowStart(column, i), column.ends[i]);
}

/** Whether row `i` of a text column has a value that starts with `prefix`, read in place (no string is made). */
export function rowStartsWith(column: TextColumn, i: number, prefix: string): boolean {
  const from = rowStart(column, i);
  // The prefix must fit in this row's text, not run on into the next row's.
  return column.present[i] === 1 && from + prefix.length <= column.ends[i] && column.text.startsWith(prefix, from);
}

/** Row `i` of a coded column, or undefined where it has none. */
export function codedAt(column: CodedColumn, i: number): string | undefined {
  const code = column.codes[i];
  return code === 0 ? undefined : column.values[code];
}

/** How many rows have a value in a column. */
export function presentCount(column: TextColumn | CodedColumn): number {
  let n = 0;
  if ('present' in column) for (const p of column.present) n += p;
  else for (const c of column.codes) n += c === 0 ? 0 : 1;
  return n;
}

export function fromColumns(c: TensorColumns): TensorInfo[] {
  const out: TensorInfo[] = new Array<TensorInfo>(c.count);
  const chunks = new Map(c.chunks);
  let d = 0;
  for (let i = 0; i < c.count; i++) {
    const shape = new Array<number>(c.rank[i]);
    for (let k = 0; k < shape.length; k++) shape[k] = c.dims[d++];
    const t: TensorInfo = { path: textAt(c.path, i)!, dtype: codedAt(c.dtype, i)!, shape, nbytes: c.nbytes[i], role: codedAt(c.role, i) as TensorRole };
    for (const f of OPTIONAL_TEXT) {
      const v = textAt(c[f], i);
      if (v !== undefined) t[f] = v;
    }
    for (const f of OPTIONAL_CODED) {
      const v = codedAt(c[f], i);
      if (v !== undefined) t[f] = v;
    }
    const own = chunks.get(i);
    if (own !== undefined) t.chunks = own;
    out[i] = t;
  }
  return out;
}

const packed = new WeakMap<InspectReport, PackedReport>();

/** The report with its tensors as columns; made once per report (a session answers `hashes` with the same one each time). */
export function packReport(report: InspectReport): PackedReport {
  let out = packed.get(report);
  if (!out) {
    const { tensors, ...rest } = report;
    out = { ...rest, tensorColumns: toColumns(tensors) };
    packed.set(report, out);
  }
  return out;
}

const unpacked = new WeakMap<PackedReport, InspectReport>();

/** The report with its tensors as rows; made once per packed report. */
export function unpackReport(packed: PackedReport): InspectReport {
  let report = unpacked.get(packed);
  if (!report) {
    const { tensorColumns, ...rest } = packed;
    report = { ...rest, tensors: fromColumns(tensorColumns) };
    unpacked.set(packed, report);
  }
  return report;
}
