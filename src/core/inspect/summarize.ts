// Builds the report a person reads from an opened checkpoint: what keys it has, its step and
// metrics, its config, how big and deep the model is, and the security verdict.
import { isMetricKey } from '../listing/sidecars';
import { PyDict, PyObject } from '../pickle/pyValue';
import type { PyValue } from '../pickle/pyValue';
import { checkpointVerdict } from '../security/checkpointVerdict';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { storageCoverage } from '../torch/storageCoverage';
import { tensorNbytes } from '../torch/tensorRef';
import type { TensorOccurrence } from '../torch/tensorWalk';
import { keyToString, walkTensors } from '../torch/tensorWalk';
import { inferDepth, modelOccurrences, summarizeLayers } from './modelLayout';
import { setOwn } from './ownRecord';
import { asNumber, pyToJson, shortValue, typeLabel } from './pyJson';
import type { InspectReport, JsonValue, KeySummary, TensorInfo } from './report';
import type { Sidecar } from './sidecar';
import { countTensors } from './tensorCounts';

const STEP_KEYS = ['step', 'global_step', 'iter_num', 'iteration', 'iter', 'num_updates', 'steps'];
const CONFIG_KEYS = ['config', 'model_args', 'hyper_parameters', 'hparams', 'args', 'model_config', 'cfg', 'opt'];

/** The root's entries with str keys: a dict's items, or an object's attributes. */
export function topEntries(root: PyValue): Array<[string, PyValue]> {
  const dict = root instanceof PyDict ? root : root instanceof PyObject && root.state instanceof PyDict ? root.state : undefined;
  return dict ? [...dict.entries()].map(([k, v]) => [keyToString(k), v]) : [];
}

function keySummaries(entries: Array<[string, PyValue]>): KeySummary[] {
  // Walked per key: keys of a flat state dict hold dots themselves (`transformer.wte.weight`).
  return entries.map(([key, value]) => {
    const occ = walkTensors(value, key);
    const { elements, bytes } = storageCoverage(occ.map((o) => o.tensor.payload));
    const summary: KeySummary = { key, type: typeLabel(value), tensors: occ.length, elements, bytes };
    const v = shortValue(value);
    if (v !== undefined) summary.value = v;
    return summary;
  });
}

function findStep(entries: Map<string, PyValue>): number | undefined {
  for (const k of STEP_KEYS) {
    const n = asNumber(entries.get(k));
    if (n !== undefined && Number.isInteger(n)) return n;
  }
  return undefined;
}

function findMetrics(entries: Map<string, PyValue>): Record<string, number> {
  const metrics: Record<string, number> = {};
  const add = (name: string, v: PyValue | undefined): void => {
    const n = typeof v === 'number' ? v : undefined; // floats only: ints here are counters
    if (n !== undefined && !Object.prototype.hasOwnProperty.call(metrics, name)) setOwn(metrics, name, n);
  };
  for (const [k, v] of entries) if (isMetricKey(k)) add(k, v);
  const nested = entries.get('metrics');
  if (nested instanceof PyDict) for (const [k, v] of nested.entries()) add(keyToString(k), v);
  return metrics;
}

function findConfig(entries: Map<string, PyValue>): { [key: string]: JsonValue } | undefined {
  for (const k of CONFIG_KEYS) {
    const v = entries.get(k);
    if (v === undefined) continue;
    const json = pyToJson(v);
    if (json && typeof json === 'object' && !Array.isArray(json)) return json;
  }
  return undefined;
}

export interface SummarizeInput {
  file: string;
  size: number;
  checkpoint: LoadedCheckpoint;
  /** The checkpoint's tensors, from walkTensors(checkpoint.root). */
  occurrences: readonly TensorOccurrence[];
  /** Hashes by tensor identity, when asked for. */
  hashes?: ReadonlyMap<object, string>;
  sidecar?: Sidecar;
  /** Metrics saved as one-element tensors, read by the caller (see scalarMetrics.ts). */
  tensorMetrics?: Record<string, number>;
  /** Step or epoch read from the file name (`model_000500.pt`, `epoch_3.pt`). */
  nameStep?: number;
  nameEpoch?: number;
}

export function summarize(input: SummarizeInput): InspectReport {
  const { checkpoint, sidecar, occurrences } = input;
  const entries = topEntries(checkpoint.root);
  const entryMap = new Map(entries);
  const counts = countTensors(checkpoint.root, occurrences, entries.map(([k]) => k));
  const { modelKey } = counts;
  const model = modelOccurrences(occurrences, modelKey);
  const weights = modelOccurrences(occurrences.filter((_, i) => counts.roles[i] === 'parameter'), modelKey);
  const config = findConfig(entryMap) ?? sidecar?.config;
  const sameAs = new Map(counts.tied.map((t) => [t.path, t.sameAs]));

  const tensors: TensorInfo[] = occurrences.map((o, i) => {
    const t = o.tensor.payload;
    const info: TensorInfo = { path: o.path, dtype: t.dtype.name, shape: [...t.shape], nbytes: tensorNbytes(t), role: counts.roles[i] };
    const hash = input.hashes?.get(o.tensor);
    if (hash) info.sha256 = hash;
    const first = sameAs.get(o.path);
    if (first !== undefined) info.sameAs = first;
    return info;
  });

  const report: InspectReport = {
    file: input.file,
    size: input.size,
    format: checkpoint.format,
    tensors,
    parameters: counts.parameters,
    modelParameters: counts.modelParameters,
    tensorBytes: counts.tensorBytes,
    roles: counts.roleTotals,
    tied: counts.tied,
    security: checkpointVerdict(checkpoint.globals),
    keys: keySummaries(entries),
    metrics: { ...sidecar?.metrics, ...input.tensorMetrics, ...findMetrics(entryMap) },
    layers: summarizeLayers(weights),
    notes: [...checkpoint.notes, ...(sidecar ? [`Read ${sidecar.source}.`] : [])],
  };
  const step = findStep(entryMap) ?? sidecar?.step ?? input.nameStep;
  if (step !== undefined) report.step = step;
  const epoch = asNumber(entryMap.get('epoch')) ?? input.nameEpoch;
  if (epoch !== undefined) report.epoch = epoch;
  if (config) report.config = config;
  const depth = inferDepth(model, config);
  if (depth !== undefined) report.depth = depth;
  if (modelKey !== undefined) report.modelKey = modelKey;
  return report;
}
