// Pieces of the Python that loads a checkpoint, shared by the code for one file (loadCode.ts) and
// for a sharded set (shardedCode.ts): string literals, the weights_only verdict as comments,
// map_location, the wrapper prefix strip.
import { basename } from 'node:path';
import { wrapperPrefixes } from '../export/exportChoices';
import type { InspectReport, KeySummary, ValueNode } from '../inspect/report';
import { devicesNeedingMapLocation, savedDevices } from '../inspect/savedDevices';
import { downloadLines, isUrl, urlFileName } from './downloadCode';
import { pyString } from './pyString';

const EXPORT_HINT = 'Checkpoint Manager: Export for Inference… writes its weights alone, reading the tensors and running nothing';

/** The first path holding a Python float, which torch before 2.4 refuses with weights_only=True. */
export function firstFloat(report: InspectReport): string | undefined {
  const walk = (nodes: readonly ValueNode[] | undefined, prefix: string): string | undefined => {
    for (const n of nodes ?? []) {
      const path = `${prefix}${n.fullKey ?? n.key}`;
      if (n.type === 'float' || (n.type.startsWith('tuple') && n.value !== undefined && /\d\.\d|e-?\d/.test(n.value))) return path;
      const inner = walk(n.children, `${path}.`);
      if (inner) return inner;
    }
    return undefined;
  };
  for (const k of report.keys as KeySummary[]) {
    if (k.type === 'float') return k.key;
    const inner = walk(k.children, `${k.key}.`);
    if (inner) return inner;
  }
  for (const o of report.optimizers ?? []) {
    for (const g of o.groups) {
      const lr = g.settings.lr;
      if (typeof lr === 'number') return `${o.path ? `${o.path}.` : ''}param_groups.lr`;
    }
  }
  return undefined;
}

/** Comment lines saying what the file is and whether torch.load(weights_only=True) takes it. */
export function safetyComments(report: InspectReport, name: string): string[] {
  const s = report.security;
  if (s.verdict === 'dangerous') {
    const runs = s.calls?.length ? s.calls.slice(0, 3).join('; ') : s.dangerous.slice(0, 5).join(', ');
    return [
      `# DANGER: ${name} would run code when loaded with weights_only=False: ${runs}.`,
      '# weights_only=True refuses it (an UnpicklingError), which is what you want. Never load it otherwise;',
      `# ${EXPORT_HINT}; load that file instead.`,
    ];
  }
  if (s.verdict === 'suspicious') {
    const names = s.suspicious.slice(0, 5).join(', ');
    return [
      `# WARNING: weights_only=True refuses ${name}: it names ${names}, which torch does not allow by default.`,
      '# weights_only=False would import and call them. If you trust the file (torch >= 2.4):',
      `#     torch.serialization.add_safe_globals([${s.suspicious.slice(0, 5).join(', ')}])`,
      `# Or: ${EXPORT_HINT}.`,
    ];
  }
  const float = firstFloat(report);
  const lines = ['# weights_only=True rebuilds tensors and containers only: nothing in the file runs.'];
  if (float) lines.push(`# torch < 2.4 refuses this file with weights_only=True: it holds Python floats (${float}). Use torch >= 2.4, or`, `# ${EXPORT_HINT}.`);
  return lines;
}

/** The map_location argument when the tensors were saved on an accelerator (with a comment line), else nothing. */
export function mapLocation(report: InspectReport): { comment?: string; arg: string } {
  const away = devicesNeedingMapLocation(savedDevices(report.tensors));
  if (away.length === 0) return { arg: '' };
  return { comment: `# Saved on ${away.join(', ')}: map_location puts the tensors on the CPU (or pass your device).`, arg: 'map_location="cpu", ' };
}

export function stripLines(report: InspectReport, variable: string): string[] {
  const prefixes = wrapperPrefixes(report);
  if (prefixes.length === 0) return [];
  const why = prefixes.map((p) => (p === '_orig_mod.' ? '"_orig_mod." (torch.compile)' : `"${p}" (DataParallel/DDP)`)).join(' and ');
  const strip = prefixes.map((p) => `.removeprefix(${pyString(p)})`).join('');
  return [`# The names carry ${why}: strip it so the bare model takes them.`, `${variable} = {k${strip}: v for k, v in ${variable}.items()}`];
}

export const BUILD_MODEL = '# model = YourModel(...)  # build the architecture first: the file holds its weights only';

/** The file's name for comments: a path's, or a URL's last segment. */
export function displayName(path: string): string {
  return isUrl(path) ? urlFileName(path) : basename(path);
}

/** Lines that set `path` to the file on this machine: the path itself, or a download of the URL. */
export function pathLines(path: string): string[] {
  return isUrl(path) ? downloadLines(path) : [`path = ${pyString(path)}`];
}
