// Builds the report a person reads from an opened checkpoint: what keys it has, its step and
// metrics, its config and architecture, how big and deep the model is, and the security verdict.
import { isMetricKey } from '../listing/sidecars';
import { PyDict, PyObject, PyTuple } from '../values/pyValue';
import type { PyValue } from '../values/pyValue';
import { checkpointVerdict } from '../security/checkpointVerdict';
import type { LoadedCheckpoint } from '../torch/loadedCheckpoint';
import { CoverageIndex } from '../torch/storageCoverage';
import { tensorNbytes } from '../torch/tensorRef';
import type { TensorRef } from '../torch/tensorRef';
import type { RootWalk, TensorOccurrence } from '../torch/tensorWalk';
import { eachTensorUnder, keyToString } from '../torch/tensorWalk';
import { callbackLabels, labelledPath } from './callbackKeys';
import { modelCheckpointMetrics } from './modelCheckpoint';
import { inferDepth, modelAndParameters, summarizeLayers } from './modelLayout';
import { setOwn } from './ownRecord';
import { asNumber, pyToJson, typeLabel } from './pyJson';
import type { InspectReport, KeySummary, ModelCheckpointState, OptimizerSummary, TensorInfo } from './report';
import type { JsonValue } from '../json';
import { mapLocationNote } from './savedDevices';
import type { Sidecar } from './sidecar';
import { countTensors } from './tensorCounts';
import type { TreeBudget } from './valueTree';
import { jsonTree, pyValueText, treeBudget, valueTree } from './valueTree';

const STEP_KEYS = ['step', 'global_step', 'iter_num', 'iteration', 'iter', 'num_updates', 'steps'];
const CONFIG_KEYS = ['config', 'hyper_parameters', 'hparams', 'args', 'cfg', 'opt'];
const ARCHITECTURE_KEYS = ['model_args', 'model_config'];
/** Lightning keeps callback states under this key, keyed by unreadable state keys. */
const CALLBACKS_KEY = 'callbacks';

/** The root's entries with str keys: a dict's items, an object's attributes, a list's items by index. */
export function topEntries(root: PyValue): Array<[string, PyValue]> {
  if (Array.isArray(root) || root instanceof PyTuple) return (Array.isArray(root) ? root : root.items).map((v, i) => [String(i), v]);
  const dict = root instanceof PyDict ? root : root instanceof PyObject && root.state instanceof PyDict ? root.state : undefined;
  return dict ? [...dict.entries()].map(([k, v]) => [keyToString(k), v]) : [];
}

/** Readable labels for the state keys under `callbacks`, when the checkpoint has any. */
function callbackKeyLabels(entries: Map<string, PyValue>): Map<string, string> {
  const callbacks = entries.get(CALLBACKS_KEY);
  return callbacks instanceof PyDict ? callbackLabels([...callbacks.map.keys()].map(keyToString)) : new Map();
}

/**
 * Entry i's tensors, handed to `take`: from the root walk's occurrences when it knows where they
 * start, each with its index among them (for CoverageTally.addAt).
 */
type EntryTensors = (i: number, value: PyValue, take: (t: TensorRef, occurrence?: number) => void) => void;

function entryTensors(entryCount: number, occurrences: readonly TensorOccurrence[], walk: RootWalk | undefined): EntryTensors {
  const starts = walk?.entryStarts;
  if (starts === undefined || walk?.occurrences !== occurrences || starts.length !== entryCount + 1) {
    // Walked per key: keys of a flat state dict hold dots themselves (`transformer.wte.weight`).
    // Only counts are wanted here, so the walk builds no paths.
    return (_i, value, take) => eachTensorUnder(value, (t) => take(t.payload));
  }
  return (i, _value, take) => {
    for (let j = starts[i]; j < starts[i + 1]; j++) take(occurrences[j].tensor.payload, j);
  };
}

function keySummaries(entries: Array<[string, PyValue]>, budget: TreeBudget, labels: ReadonlyMap<string, string>, coverage: CoverageIndex, tensorsOf: EntryTensors): KeySummary[] {
  return entries.map(([key, value], i) => {
    // Tallied as they are found: no array of the key's tensors, no second pass over them.
    const tally = coverage.tally();
    tensorsOf(i, value, (t, j) => (j === undefined ? tally.add(t) : tally.addAt(j, t)));
    const { elements, bytes } = tally.total();
    const summary: KeySummary = { key, type: typeLabel(value), tensors: tally.tensors, elements, bytes };
    const v = pyValueText(value);
    if (v !== undefined) summary.value = v;
    const tree = valueTree(value, budget, key === CALLBACKS_KEY ? labels : undefined);
    if (tree) {
      summary.children = tree.nodes;
      if (tree.more > 0) summary.more = tree.more;
    }
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

/** Float metrics among the top-level entries and under `metrics` (ints there are counters). */
export function findMetrics(entries: Map<string, PyValue>): Record<string, number> {
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

function findConfig(entries: Map<string, PyValue>, keys: readonly string[]): { [key: string]: JsonValue } | undefined {
  for (const k of keys) {
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
  /**
   * walkRoot(checkpoint.root, isOptimizerDict), when the caller walked that way (its occurrences
   * are then `occurrences`): the counts use what it found instead of walking the root again.
   */
  walk?: RootWalk;
  sidecar?: Sidecar;
  /** Metrics saved as one-element tensors, read by the caller (see scalarMetrics.ts). */
  tensorMetrics?: Record<string, number>;
  /** Optimizer state dicts and Lightning ModelCheckpoint states, read by the caller (they read tensors). */
  optimizers?: OptimizerSummary[];
  modelCheckpoints?: ModelCheckpointState[];
  /** Step or epoch read from the file name (`model_000500.pt`, `epoch_3.pt`). */
  nameStep?: number;
  nameEpoch?: number;
}

export function summarize(input: SummarizeInput): InspectReport {
  const { checkpoint, sidecar, occurrences } = input;
  const entries = topEntries(checkpoint.root);
  const entryMap = new Map(entries);
  // One index for every count below: each tensor's storage is looked up once, not once per count.
  const coverage = new CoverageIndex(occurrences.map((o) => o.tensor.payload));
  const walk = input.walk?.occurrences === occurrences ? input.walk : undefined;
  const counts = countTensors(checkpoint.root, occurrences, entries.map(([k]) => k), coverage, checkpoint.weightsKey, walk?.dicts);
  const { modelKey } = counts;
  const { model, parameters: weights } = modelAndParameters(occurrences, modelKey, counts.roles);
  const config = findConfig(entryMap, CONFIG_KEYS) ?? sidecar?.config;
  const architecture = findConfig(entryMap, ARCHITECTURE_KEYS) ?? sidecar?.architecture;
  const sameAs = new Map(counts.tied.map((t) => [t.path, t.sameAs]));
  const labels = callbackKeyLabels(entryMap);
  const modelCheckpoints = input.modelCheckpoints ?? [];

  const tensors: TensorInfo[] = occurrences.map((o, i) => {
    const t = o.tensor.payload;
    const info: TensorInfo = { path: o.path, dtype: t.dtype.name, shape: [...t.shape], nbytes: tensorNbytes(t), role: counts.roles[i] };
    // (Looked up only when there are ties: hashing every path costs more than the rest of the row.)
    const first = sameAs.size > 0 ? sameAs.get(o.path) : undefined;
    if (first !== undefined) info.sameAs = first;
    // Safetensors records no device: its tensors load where the caller asks.
    if (checkpoint.format !== 'safetensors' && t.storage.location) info.device = t.storage.location;
    const label = labels.size > 0 ? labelledPath(o.path, `${CALLBACKS_KEY}.`, labels) : undefined;
    if (label !== undefined) info.label = label;
    if (checkpoint.shards) info.file = checkpoint.shards.fileOf(t.storage);
    const chunks = checkpoint.shards?.chunksOf?.(t.storage);
    if (chunks && chunks.length > 0) info.chunks = chunks;
    return info;
  });
  const budget = treeBudget();
  const deviceNote = mapLocationNote(tensors);

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
    security: checkpointVerdict(checkpoint.globals, checkpoint.calls),
    keys: keySummaries(entries, budget, labels, coverage, entryTensors(entries.length, occurrences, walk)),
    metrics: { ...sidecar?.metrics, ...input.tensorMetrics, ...Object.fromEntries(modelCheckpointMetrics(modelCheckpoints)), ...findMetrics(entryMap) },
    layers: summarizeLayers(weights, coverage),
    notes: [...checkpoint.notes, ...(deviceNote ? [deviceNote] : []), ...(sidecar ? [`Read ${sidecar.source}.`] : [])],
  };
  const step = findStep(entryMap) ?? sidecar?.step ?? input.nameStep;
  if (step !== undefined) report.step = step;
  const epoch = asNumber(entryMap.get('epoch')) ?? input.nameEpoch;
  if (epoch !== undefined) report.epoch = epoch;
  if (config) report.config = config;
  if (architecture) report.architecture = architecture;
  if (input.optimizers?.length) report.optimizers = input.optimizers;
  if (modelCheckpoints.length) report.modelCheckpoints = modelCheckpoints;
  // Its own budget: the sidecar shows even when the file's keys used theirs up.
  const sidecarTree = sidecar && jsonTree(sidecar.values, treeBudget());
  if (sidecar && sidecarTree) report.sidecar = { file: sidecar.source, values: sidecarTree.nodes, ...(sidecarTree.more > 0 ? { more: sidecarTree.more } : {}) };
  const depth = inferDepth(model, architecture ?? config);
  if (depth !== undefined) report.depth = depth;
  if (modelKey !== undefined) report.modelKey = modelKey;
  if (checkpoint.shards) report.shards = { index: checkpoint.shards.index, files: checkpoint.shards.files.map((f) => ({ ...f })) };
  return report;
}
