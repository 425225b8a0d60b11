// The page header: what the file is at a glance.
import type { InspectReport, TensorRole } from '../core/inspect/report';
import type { CheckpointFormat } from '../core/torch/checkpointFormat';
import { el } from './dom';
import { formatBytes, formatCount, formatInteger, plural } from '../core/format';
import { baseName } from './format';
import { devicesNeedingMapLocation, savedDevices } from '../core/inspect/savedDevices';

const FORMAT_LABELS: Record<CheckpointFormat, string> = {
  'torch-zip': 'PyTorch zip',
  'torch-legacy': 'PyTorch legacy',
  torchscript: 'TorchScript',
  safetensors: 'safetensors',
  pickle: 'Python pickle',
  'torch-dcp': 'torch.distributed.checkpoint',
};

export function formatLabel(format: CheckpointFormat): string {
  return FORMAT_LABELS[format] ?? String(format);
}

/** A label and value pair for the header's fact list. */
export interface Fact {
  label: string;
  value: string;
  /** The exact number behind a rounded value. */
  exact?: string;
}

/** Tensors that are not the model's parameters, each role its own fact, with what it holds. */
const OTHER_ROLES: ReadonlyArray<[TensorRole, string, string]> = [
  ['buffer', 'Buffers', "the model's registered buffers (causal masks, running statistics): not parameters"],
  ['optimizer', 'Optimizer state', "the optimizer's moments and steps"],
  ['rng', 'RNG state', "random generators' states"],
  ['other', 'Other tensors', 'tensors outside the model (metrics, scheduler or callback state)'],
];

/**
 * Parameters (the model's weights alone, when the file holds a model), then every other role,
 * then all tensors. Elements shared by tied weights or views count once everywhere.
 */
function countFacts(report: InspectReport): Fact[] {
  const facts: Fact[] = [];
  if (report.modelKey !== undefined) {
    const ties = report.tied.length > 0 ? '; tied weights counted once' : '';
    facts.push({ label: 'Parameters', value: formatCount(report.modelParameters), exact: `${formatInteger(report.modelParameters)} model parameters${ties}` });
  }
  for (const [role, label, what] of OTHER_ROLES) {
    const totals = report.roles[role];
    if (!totals) continue;
    facts.push({ label, value: formatCount(totals.elements), exact: `${formatInteger(totals.elements)} elements in ${plural(totals.tensors, 'tensor')} (${formatBytes(totals.bytes)}): ${what}` });
  }
  facts.push({
    label: 'Tensors',
    value: formatInteger(report.tensors.length),
    exact: `${formatBytes(report.tensorBytes)} of tensor data, ${formatInteger(report.parameters)} elements in all, shared storage counted once`,
  });
  return facts;
}

/** The header facts in display order; absent fields are left out rather than shown empty. */
export function headerFacts(report: InspectReport): Fact[] {
  const facts: Fact[] = [{ label: 'Size', value: formatBytes(report.size), exact: `${formatInteger(report.size)} bytes` }];
  if (report.shards) {
    const files = report.shards.files;
    facts.push({
      label: 'Shards',
      value: `${files.length} file${files.length === 1 ? '' : 's'} (${report.shards.index})`,
      exact: files.map((f) => `${f.file}: ${formatBytes(f.size)}, ${formatInteger(f.tensors)} tensors`).join('\n'),
    });
  }
  if (report.step !== undefined) facts.push({ label: 'Step', value: formatInteger(report.step) });
  if (report.epoch !== undefined) facts.push({ label: 'Epoch', value: formatInteger(report.epoch) });
  facts.push(...countFacts(report));
  if (report.depth !== undefined) facts.push({ label: 'Depth', value: `${report.depth} layers` });
  if (report.modelKey) facts.push({ label: 'Weights under', value: report.modelKey });
  const devices = savedDevices(report.tensors);
  if (devicesNeedingMapLocation(devices).length > 0) {
    facts.push({ label: 'Saved on', value: `${devices.join(', ')} · needs map_location`, exact: "torch.load(..., map_location='cpu') loads it on a machine without that device" });
  }
  return facts;
}

export function renderHeader(report: InspectReport): HTMLElement {
  const facts = el(
    'dl',
    { className: 'facts' },
    headerFacts(report).map((f) => el('div', { className: 'fact', title: f.exact }, [el('dt', {}, [f.label]), el('dd', {}, [f.value])])),
  );
  const notes = report.notes.length > 0 ? el('ul', { className: 'notes' }, report.notes.map((n) => el('li', {}, [n]))) : null;
  return el('header', { className: 'header' }, [
    el('div', { className: 'title-row' }, [
      el('h1', { title: report.file }, [baseName(report.file)]),
      el('span', { className: 'badge' }, [formatLabel(report.format)]),
    ]),
    facts,
    notes,
  ]);
}
