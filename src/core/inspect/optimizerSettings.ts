// How an optimizer's settings read, for the inspector and the CLI alike: the common ones first,
// values as Python prints them.
import { pyFloatRepr } from '../pickle/pyRepr';
import type { OptimizerSummary } from './report';
import type { JsonValue } from '../json';

/** The settings people look for first, in this order; the rest follow as saved. */
const FIRST_SETTINGS = ['lr', 'betas', 'momentum', 'weight_decay', 'eps'];

/** A saved setting as Python prints it: `True`, `None`, `(0.9, 0.95)` for the tuples JSON made lists. */
export function settingText(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `(${v.map(settingText).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'object') return JSON.stringify(v);
  // JSON keeps no int/float distinction; non-integers print as Python prints floats (1e-08).
  return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
}

/** Setting names across the groups: the common ones first, then in saved order. */
export function settingNames(optimizer: OptimizerSummary, onlyCommon = false): string[] {
  const all = [...new Set(optimizer.groups.flatMap((g) => Object.keys(g.settings)))];
  const common = FIRST_SETTINGS.filter((k) => all.includes(k));
  return onlyCommon ? common : [...common, ...all.filter((k) => !FIRST_SETTINGS.includes(k))];
}

/** `Adam/AdamW · optimizer_states.0`: what it is and where it sits. */
export function optimizerTitle(o: OptimizerSummary): string {
  return `${o.kind ?? 'Optimizer'} · ${o.path === '' ? 'the file itself' : o.path}`;
}
