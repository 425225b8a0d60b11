// The summary's count lines: the model's parameters, every other role apart, all tensors, and
// the tied pairs that make the counts smaller than the naive sums.
import { formatBytes, formatCount, plural } from '../core/format';
import type { InspectReport, TensorRole } from '../core/inspect/report';

const ROLE_LABELS: ReadonlyArray<[TensorRole, string]> = [
  ['parameter', 'parameters'],
  ['buffer', 'buffers'],
  ['optimizer', 'optimizer'],
  ['rng', 'rng state'],
  ['other', 'other'],
];
/** Tied pairs printed before "… N more". */
const TIES_SHOWN = 5;

/** [label, value] rows, in print order. */
export function countRows(r: InspectReport): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [role, label] of ROLE_LABELS) {
    const totals = r.roles[role] ?? (role === 'parameter' && r.modelKey !== undefined ? { tensors: 0, elements: 0, bytes: 0 } : undefined);
    if (!totals) continue;
    const where = role === 'parameter' && r.modelKey ? ` under '${r.modelKey}'` : '';
    rows.push([label, `${formatCount(totals.elements)} in ${plural(totals.tensors, 'tensor')} (${formatBytes(totals.bytes)})${where}`]);
  }
  rows.push(['tensors', `${plural(r.tensors.length, 'tensor')}, ${formatCount(r.parameters)} elements (${formatBytes(r.tensorBytes)}); shared storage counted once`]);
  r.tied.slice(0, TIES_SHOWN).forEach((t, i) => rows.push([i === 0 ? 'tied' : '', `${t.path} = ${t.sameAs}`]));
  if (r.tied.length > TIES_SHOWN) rows.push(['', `… ${r.tied.length - TIES_SHOWN} more`]);
  return rows;
}
