// The report's smaller sections: metrics, architecture, config, top-level keys, the sidecar and
// the layer summary.
import type { InspectReport, KeySummary, LayerSummary } from '../core/inspect/report';
import type { JsonValue } from '../core/json';
import type { Column } from './dom';
import { collapsible, el, nameCode, section, table } from './dom';
import { formatBytes, formatCount, formatInteger, formatMetric, plural } from '../core/format';
import { foldedValueTree, renderValueTree } from './renderValueTree';

export function renderMetrics(metrics: Record<string, number>): HTMLElement | null {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return null;
  const columns: Column<[string, number]>[] = [
    { title: 'Metric', cell: ([k]) => k },
    { title: 'Value', numeric: true, cell: ([, v]) => formatMetric(v, 6), tooltip: ([, v]) => String(v) },
  ];
  return section('Metrics', [table(columns, entries)]);
}

/** A config flattened to dotted keys; arrays and empty objects stay one JSON value. */
export function flattenConfig(config: { [key: string]: JsonValue }, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(config)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      out.push(...flattenConfig(value, name));
    } else {
      out.push([name, typeof value === 'string' ? value : JSON.stringify(value)]);
    }
  }
  return out;
}

function configTable(config: { [key: string]: JsonValue }): HTMLTableElement {
  const columns: Column<[string, string]>[] = [
    { title: 'Key', cell: ([k]) => nameCode(k) },
    { title: 'Value', cell: ([, v]) => v },
  ];
  return table(columns, flattenConfig(config));
}

export function renderConfig(config: { [key: string]: JsonValue } | undefined): HTMLElement | null {
  if (!config) return null;
  return collapsible(`Config (${flattenConfig(config).length})`, [configTable(config)]);
}

/** The model's shape as saved beside it (nanoGPT's model_args, nanochat's model_config): short, so open. */
export function renderArchitecture(architecture: { [key: string]: JsonValue } | undefined): HTMLElement | null {
  if (!architecture) return null;
  return collapsible('Architecture', [configTable(architecture)], true);
}

/** The sidecar's whole content (meta_<step>.json: user_config, loop_state...), folded. */
export function renderSidecar(sidecar: InspectReport['sidecar']): HTMLElement | null {
  if (!sidecar || sidecar.values.length === 0) return null;
  return collapsible(`From ${sidecar.file}`, [renderValueTree(sidecar.values, sidecar.more)]);
}

const isTensorKey = (k: KeySummary): boolean => k.type === 'Tensor' || k.type === 'Parameter';

function keyValue(k: KeySummary): HTMLElement | string {
  if (k.children && (k.children.length > 0 || (k.more ?? 0) > 0)) return foldedValueTree(k.children, k.more);
  return k.value ?? '';
}

/**
 * The top-level keys. In a flat state dict (`modelKey` is '') the tensors are the keys: they are
 * listed once, in the tensor table, and only the other keys (if any) are shown here.
 */
export function renderKeys(keys: readonly KeySummary[], modelKey?: string): HTMLElement | null {
  const flat = modelKey === '';
  const shown = flat ? keys.filter((k) => !isTensorKey(k)) : keys;
  if (shown.length === 0) return null;
  const columns: Column<KeySummary>[] = [
    { title: 'Key', cell: (k) => nameCode(k.key) },
    { title: 'Type', cell: (k) => k.type },
    { title: 'Value', cell: keyValue },
    { title: 'Tensors', numeric: true, cell: (k) => (k.tensors ? formatInteger(k.tensors) : '') },
    { title: 'Elements', numeric: true, cell: (k) => (k.elements ? formatCount(k.elements) : ''), tooltip: (k) => formatInteger(k.elements) },
    { title: 'Bytes', numeric: true, cell: (k) => (k.bytes ? formatBytes(k.bytes) : ''), tooltip: (k) => formatInteger(k.bytes) },
  ];
  const hidden = keys.length - shown.length;
  const note = hidden > 0 ? el('p', { className: 'section-note' }, [`${plural(hidden, 'tensor')} at the top level, listed in the tensor table.`]) : null;
  return section('Top-level keys', [table(columns, shown), note]);
}

/** Up to this many layers the summary starts open. */
const LAYERS_OPEN_MAX = 16;

export function renderLayers(layers: readonly LayerSummary[]): HTMLElement | null {
  if (layers.length === 0) return null;
  const columns: Column<LayerSummary>[] = [
    { title: 'Prefix', cell: (l) => nameCode(l.prefix) },
    { title: 'Tensors', numeric: true, cell: (l) => formatInteger(l.tensors) },
    { title: 'Parameters', numeric: true, cell: (l) => formatCount(l.parameters), tooltip: (l) => formatInteger(l.parameters) },
    { title: 'Bytes', numeric: true, cell: (l) => formatBytes(l.bytes), tooltip: (l) => formatInteger(l.bytes) },
    { title: 'Dtypes', cell: (l) => l.dtypes.join(', ') },
  ];
  // Deep models have hundreds of layers: fold the list away rather than push the tensors down.
  return collapsible(`Layers (${layers.length})`, [table(columns, layers)], layers.length <= LAYERS_OPEN_MAX);
}
