// Which tensor of A goes with which of B. Paths are as `inspect` prints them; the model part can
// be aligned across layouts: a training checkpoint's `model_state_dict.x`, `model.x` or
// `state_dict.x` against a flat `x`, and the prefixes torch.compile (`_orig_mod.`) and DDP
// (`module.`) put in front of every name. Optimizer state is paired apart, by path under its own
// key, so that it can be reported apart from the model.
import type { TensorOccurrence } from '../torch/tensorWalk';
import type { SideFacts } from './compareSide';

export type AlignMode = 'auto' | 'none' | 'model';

export const ALIGN_MODES: readonly AlignMode[] = ['auto', 'none', 'model'];

export interface AlignOptions {
  align?: AlignMode;
  /** Removed from the front of every path that has it, on both sides, after the alignment. */
  stripPrefix?: string;
}

export type Section = 'model' | 'optimizer';

/** One aligned name with the tensor each side has under it (one side missing: only in the other). */
export interface AlignedEntry {
  key: string;
  section: Section;
  a?: TensorOccurrence;
  b?: TensorOccurrence;
}

export interface Alignment {
  entries: AlignedEntry[];
  /** What was aligned, in words; '' when paths were compared as they are. */
  note: string;
}

const WRAPPERS = /^(?:_orig_mod\.|module\.)+/;

interface Named {
  occ: TensorOccurrence;
  key: string;
}

interface SideNames {
  model: Named[];
  optimizer: Named[];
  /** What was taken off the model's names: the wrapper key and the prefixes seen. */
  strippedKey?: string;
  strippedPrefixes: Set<string>;
}

function bareModelName(path: string, modelKey: string | undefined, seen: Set<string>): string {
  const unwrapped = modelKey ? path.slice(modelKey.length + 1) : path;
  const m = WRAPPERS.exec(unwrapped);
  if (!m) return unwrapped;
  for (const part of m[0].split('.').filter(Boolean)) seen.add(`${part}.`);
  return unwrapped.slice(m[0].length);
}

function isModel(facts: SideFacts, i: number): boolean {
  const role = facts.roles[i];
  return role === 'parameter' || role === 'buffer';
}

/** Names by section, the model's stripped down to bare parameter names when `bare`. */
function names(facts: SideFacts, bare: boolean, modelOnly: boolean): SideNames {
  const out: SideNames = { model: [], optimizer: [], strippedPrefixes: new Set() };
  facts.occurrences.forEach((occ, i) => {
    if (facts.roles[i] === 'optimizer') {
      if (!modelOnly) out.optimizer.push({ occ, key: occ.path });
      return;
    }
    if (bare && isModel(facts, i)) out.model.push({ occ, key: bareModelName(occ.path, facts.modelKey, out.strippedPrefixes) });
    else if (!modelOnly || isModel(facts, i)) out.model.push({ occ, key: occ.path });
  });
  if (bare && facts.modelKey) out.strippedKey = facts.modelKey;
  return out;
}

function distinct(list: readonly Named[]): boolean {
  return new Set(list.map((n) => n.key)).size === list.length;
}

function overlap(a: readonly Named[], b: readonly Named[]): number {
  const keys = new Set(a.map((n) => n.key));
  return b.filter((n) => keys.has(n.key)).length;
}

/** The optimizer's top key on each side, when each side keeps all its optimizer state under one and they differ. */
function optimizerRoots(a: readonly Named[], b: readonly Named[]): [string, string] | undefined {
  const root = (list: readonly Named[]): string | undefined => {
    const heads = new Set(list.map((n) => n.key.slice(0, n.key.indexOf('.') + 1)));
    const [only] = heads;
    return heads.size === 1 && only ? only : undefined;
  };
  const ra = root(a);
  const rb = root(b);
  return ra && rb && ra !== rb && overlap(a, b) === 0 ? [ra, rb] : undefined;
}

function strip(list: Named[], prefix: string): void {
  for (const n of list) if (n.key.startsWith(prefix)) n.key = n.key.slice(prefix.length);
}

function describe(side: string, s: SideNames): string | undefined {
  const parts: string[] = [];
  if (s.strippedKey) parts.push(`the '${s.strippedKey}.' wrapper key`);
  for (const p of s.strippedPrefixes) parts.push(`the '${p}' prefix`);
  return parts.length ? `from ${side} ${parts.join(' and ')}` : undefined;
}

function pairUp(a: readonly Named[], b: readonly Named[], section: Section): AlignedEntry[] {
  const inB = new Map(b.map((n) => [n.key, n.occ]));
  const out: AlignedEntry[] = [];
  const matched = new Set<string>();
  for (const n of a) {
    const other = inB.get(n.key);
    if (other && !matched.has(n.key)) {
      matched.add(n.key);
      out.push({ key: n.key, section, a: n.occ, b: other });
    } else out.push({ key: n.key, section, a: n.occ });
  }
  for (const n of b) if (!matched.has(n.key)) out.push({ key: n.key, section, b: n.occ });
  return out;
}

export function alignTensors(a: SideFacts, b: SideFacts, options: AlignOptions = {}): Alignment {
  const mode = options.align ?? 'auto';
  const modelOnly = mode === 'model';
  let na = names(a, mode !== 'none', modelOnly);
  let nb = names(b, mode !== 'none', modelOnly);
  const notes: string[] = [];
  if (mode === 'auto') {
    // Bare names only when they pair more tensors than the paths do, and stay unique on each side.
    const raw = [names(a, false, false), names(b, false, false)] as const;
    const better = overlap(na.model, nb.model) > overlap(raw[0].model, raw[1].model);
    if (!better || !distinct(na.model) || !distinct(nb.model)) [na, nb] = raw;
  } else if (mode === 'model') {
    if (!distinct(na.model) || !distinct(nb.model)) notes.push('some bare parameter names occur twice on one side; the later ones count as unmatched');
  }
  const aligned = [describe('A', na), describe('B', nb)].filter((s): s is string => s !== undefined);
  if (aligned.length) notes.unshift(`model tensors aligned by bare parameter name: removed ${aligned.join('; ')}`);
  if (mode !== 'none') {
    const roots = optimizerRoots(na.optimizer, nb.optimizer);
    if (roots) {
      strip(na.optimizer, roots[0]);
      strip(nb.optimizer, roots[1]);
      notes.push(`optimizer state paired under A's '${roots[0].slice(0, -1)}' and B's '${roots[1].slice(0, -1)}'`);
    }
  }
  if (modelOnly) notes.push('only the model was compared (--align model)');
  const prefix = options.stripPrefix;
  if (prefix) {
    for (const list of [na.model, nb.model, na.optimizer, nb.optimizer]) strip(list, prefix);
    notes.push(`removed the prefix '${prefix}' where paths had it`);
  }
  return {
    entries: [...pairUp(na.model, nb.model, 'model'), ...pairUp(na.optimizer, nb.optimizer, 'optimizer')],
    note: notes.join('; '),
  };
}
