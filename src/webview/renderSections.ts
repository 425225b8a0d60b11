// The report's smaller sections: metrics, config, top-level keys and the layer summary.
import type { JsonValue, KeySummary, LayerSummary } from '../core/inspect/report';
import type { Column } from './dom';
import { collapsible, el, section, table } from './dom';
import { formatBytes, formatCount, formatInteger, formatMetric } from '../core/format';

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

export function renderConfig(config: { [key: string]: JsonValue } | undefined): HTMLElement | null {
  if (!config) return null;
  const rows = flattenConfig(config);
  const columns: Column<[string, string]>[] = [
    { title: 'Key', cell: ([k]) => el('code', {}, [k]) },
    { title: 'Value', cell: ([, v]) => v },
  ];
  return collapsible(`Config (${rows.length})`, [table(columns, rows)]);
}

export function renderKeys(keys: readonly KeySummary[]): HTMLElement | null {
  if (keys.length === 0) return null;
  const columns: Column<KeySummary>[] = [
    { title: 'Key', cell: (k) => el('code', {}, [k.key]) },
    { title: 'Type', cell: (k) => k.type },
    { title: 'Value', cell: (k) => k.value ?? '' },
    { title: 'Tensors', numeric: true, cell: (k) => (k.tensors ? formatInteger(k.tensors) : '') },
    { title: 'Elements', numeric: true, cell: (k) => (k.elements ? formatCount(k.elements) : ''), tooltip: (k) => formatInteger(k.elements) },
    { title: 'Bytes', numeric: true, cell: (k) => (k.bytes ? formatBytes(k.bytes) : ''), tooltip: (k) => formatInteger(k.bytes) },
  ];
  return section('Top-level keys', [table(columns, keys)]);
}

/** Up to this many layers the summary starts open. */
const LAYERS_OPEN_MAX = 16;

export function renderLayers(layers: readonly LayerSummary[]): HTMLElement | null {
  if (layers.length === 0) return null;
  const columns: Column<LayerSummary>[] = [
    { title: 'Prefix', cell: (l) => el('code', {}, [l.prefix]) },
    { title: 'Tensors', numeric: true, cell: (l) => formatInteger(l.tensors) },
    { title: 'Parameters', numeric: true, cell: (l) => formatCount(l.parameters), tooltip: (l) => formatInteger(l.parameters) },
    { title: 'Bytes', numeric: true, cell: (l) => formatBytes(l.bytes), tooltip: (l) => formatInteger(l.bytes) },
    { title: 'Dtypes', cell: (l) => l.dtypes.join(', ') },
  ];
  // Deep models have hundreds of layers: fold the list away rather than push the tensors down.
  return collapsible(`Layers (${layers.length})`, [table(columns, layers)], layers.length <= LAYERS_OPEN_MAX);
}
