// Counts that mean what they say, on tensor descriptions built in memory: shared storage counted
// once (views, ties, overlaps, broadcasts), tied pairs named, and each tensor's role judged from
// its name, dtype and shape together. The fixtures written by torch are checked against torch's
// own counts in inspectFixtures.test.ts; these are the cases torch fixtures do not reach.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTensors } from '../../src/core/inspect/tensorCounts';
import { assignRoles, isBuffer } from '../../src/core/inspect/tensorRoles';
import { PyDict, PyOpaque } from '../../src/core/values/pyValue';
import type { PyValue } from '../../src/core/values/pyValue';
import { dtypeByName } from '../../src/core/torch/dtypes';
import type { DType } from '../../src/core/torch/dtypes';
import { CoverageIndex, storageCoverage } from '../../src/core/torch/storageCoverage';
import { findTies } from '../../src/core/torch/tiedTensors';
import type { TensorRef } from '../../src/core/torch/tensorRef';
import { contiguousStride } from '../../src/core/torch/tensorRef';
import { walkTensors } from '../../src/core/torch/tensorWalk';

const dtype = (name: string): DType => dtypeByName(name) as DType;
const f32 = dtype('float32');

function view(key: string, shape: number[], options: { stride?: number[]; offset?: number; dtype?: DType; storageBytes?: number; byteOffset?: number } = {}): TensorRef {
  const d = options.dtype ?? f32;
  return {
    dtype: d,
    shape,
    stride: options.stride ?? contiguousStride(shape),
    storageOffset: options.offset ?? 0,
    storage: { key, dtype: d, nbytes: options.storageBytes ?? 1 << 20, location: 'cpu', ...(options.byteOffset !== undefined ? { byteOffset: options.byteOffset } : {}) },
    requiresGrad: false,
    parameter: false,
  };
}

test('views of one storage count its elements once; separate storages add up', () => {
  const base = view('0', [4, 6], { storageBytes: 96 });
  const cases: Array<[string, TensorRef[], { elements: number; bytes: number }]> = [
    ['a matrix and its transpose', [base, view('0', [6, 4], { stride: [1, 6], storageBytes: 96 })], { elements: 24, bytes: 96 }],
    ['the transpose alone is one run', [view('0', [6, 4], { stride: [1, 6], storageBytes: 96 })], { elements: 24, bytes: 96 }],
    ['a column: 4 elements, 6 apart', [view('0', [4], { stride: [6], offset: 2, storageBytes: 96 })], { elements: 4, bytes: 16 }],
    ['a matrix and its column', [base, view('0', [4], { stride: [6], offset: 2, storageBytes: 96 })], { elements: 24, bytes: 96 }],
    ['overlapping row windows', [view('0', [2, 6], { storageBytes: 96 }), view('0', [3, 6], { offset: 6, storageBytes: 96 })], { elements: 24, bytes: 96 }],
    ['a broadcast (stride 0) holds one element', [view('0', [1000, 1000], { stride: [0, 0], storageBytes: 4 })], { elements: 1, bytes: 4 }],
    ['q, k, v views of a fused matrix', [0, 1, 2].map((i) => view('0', [16, 16], { offset: 256 * i, storageBytes: 3072 })), { elements: 768, bytes: 3072 }],
    ['two storages', [view('0', [3]), view('1', [3])], { elements: 6, bytes: 24 }],
    ['empty tensors hold nothing', [view('0', [0, 5]), view('1', [3, 0])], { elements: 0, bytes: 0 }],
    ['legacy storage views: byte offsets inside one record', [view('9', [4], { byteOffset: 0, storageBytes: 16 }), view('9', [4], { byteOffset: 8, storageBytes: 16 })], { elements: 6, bytes: 24 }],
  ];
  for (const [name, tensors, want] of cases) assert.deepEqual(storageCoverage(tensors), want, name);
});

/**
 * Sole viewers of their storage (counted without bookkeeping) beside shared, strided, clipped,
 * empty, tied and legacy-view tensors: each fast-path shortcut would miscount one of them.
 */
function mixedTensors(): TensorRef[] {
  const tied = view('5', [8]);
  return [
    view('0', [4, 6], { storageBytes: 96 }),
    view('0', [6, 4], { stride: [1, 6], storageBytes: 96 }),
    view('1', [3]),
    view('2', [1000], { storageBytes: 40 }),
    view('3', [4], { stride: [6], offset: 2, storageBytes: 96 }),
    view('4', [0, 5]),
    tied,
    tied,
    view('6', [16], { dtype: dtype('uint8'), storageBytes: 16 }),
    view('6', [4], { storageBytes: 16 }),
    view('9', [4], { byteOffset: 0, storageBytes: 16 }),
    view('9', [4], { byteOffset: 8, storageBytes: 16 }),
    view('7', [2, 3], { offset: 5 }),
    // A sole viewer, strided and cut short by its storage's end: two of its four runs count.
    view('10', [4], { stride: [6], offset: 2, storageBytes: 40 }),
    // A sole viewer whose run lies past its storage's end: it adds nothing.
    view('8', [4], { offset: 100, storageBytes: 16 }),
  ];
}

test('a coverage index gives what storageCoverage gives, for every subset of the tensors it was made from', () => {
  const tensors = mixedTensors();
  const index = new CoverageIndex(tensors);
  for (let mask = 1; mask < 1 << tensors.length; mask += 7) {
    const subset = tensors.filter((_, i) => mask & (1 << i));
    assert.deepEqual(index.coverage(subset), storageCoverage(subset), `subset ${mask.toString(2)}`);
  }
  assert.deepEqual(index.coverage(tensors), storageCoverage(tensors));
});

test("a tally fed each tensor's index gives what storageCoverage gives; a tensor that is not the index's at that place is counted the general way", () => {
  const tensors = mixedTensors();
  const index = new CoverageIndex(tensors);
  for (let mask = 1; mask < 1 << tensors.length; mask += 5) {
    const byIndex = index.tally();
    const wrongIndex = index.tally();
    let n = 0;
    tensors.forEach((t, i) => {
      if (!(mask & (1 << i))) return;
      n++;
      byIndex.addAt(i, t);
      // The next tensor's place: the index must see that it was given another tensor.
      wrongIndex.addAt((i + 1) % tensors.length, t);
    });
    const subset = tensors.filter((_, i) => mask & (1 << i));
    assert.deepEqual(byIndex.total(), storageCoverage(subset), `subset ${mask.toString(2)}`);
    assert.deepEqual(wrongIndex.total(), storageCoverage(subset), `subset ${mask.toString(2)}, wrong places`);
    assert.equal(byIndex.tensors, n);
  }
});

test('one storage viewed as two dtypes counts its bytes once, and each dtype its own elements', () => {
  const bytes = view('0', [16], { dtype: dtype('uint8'), storageBytes: 16 });
  const floats = view('0', [4], { storageBytes: 16 });
  assert.deepEqual(storageCoverage([bytes, floats]), { elements: 20, bytes: 16 });
});

test('bytes never exceed what the storage holds, even for a hostile view past its end', () => {
  const hostile = view('0', [1000], { storageBytes: 40 });
  assert.deepEqual(storageCoverage([hostile]), { elements: 10, bytes: 40 });
  const negative = view('0', [5], { stride: [-1], offset: 4, storageBytes: 20 });
  assert.ok(storageCoverage([negative]).bytes <= 20);
});

test('a view with millions of separate runs is counted by its span, within its storage, not walked', () => {
  const column = view('0', [1 << 23], { stride: [4], storageBytes: 4 * 4 * (1 << 23) });
  const { bytes } = storageCoverage([column]);
  assert.ok(bytes <= column.storage.nbytes && bytes >= (1 << 23) * 4);
});

test('tied pairs: the same object, or a second object on the same bytes; never a different offset or an empty tensor', () => {
  const w = new PyOpaque('tensor', view('0', [64, 16]));
  const root = new PyDict();
  root.set('transformer.wte.weight', w);
  root.set('lm_head.weight', new PyOpaque('tensor', view('0', [64, 16])));
  root.set('alias', w);
  root.set('shifted', new PyOpaque('tensor', view('0', [64, 16], { offset: 16 })));
  root.set('q', new PyOpaque('tensor', view('2', [4])));
  root.set('k', new PyOpaque('tensor', view('2', [4], { offset: 4 })));
  root.set('shifted_again', new PyOpaque('tensor', view('0', [64, 16], { offset: 16 })));
  const empty = new PyOpaque('tensor', view('1', [0]));
  root.set('empty_a', empty);
  root.set('empty_b', new PyOpaque('tensor', view('1', [0])));
  root.set('empty_alias', empty);
  assert.deepEqual(findTies(walkTensors(root)), [
    { path: 'lm_head.weight', sameAs: 'transformer.wte.weight' },
    { path: 'alias', sameAs: 'transformer.wte.weight' },
    { path: 'shifted_again', sameAs: 'shifted' },
    { path: 'empty_alias', sameAs: 'empty_a' },
  ]);
});

test('a coverage index holds no ties only when each storage has one viewer and no tensor is empty; countTensors then names none', () => {
  const tensors = (...refs: TensorRef[]): Array<PyOpaque<TensorRef>> => refs.map((r) => new PyOpaque('tensor', r));
  const w = tensors(view('0', [4]))[0];
  const cases: Array<[string, Array<PyOpaque<TensorRef>>, boolean]> = [
    ['separate storages', tensors(view('0', [4]), view('1', [4]), view('2', [2, 2])), true],
    ['two views of one storage', tensors(view('0', [4]), view('0', [4], { offset: 4 })), false],
    ['one tensor under two keys', [w, w], false],
    ['an empty tensor', tensors(view('0', [4]), view('1', [0])), false],
    ['nothing', [], true],
  ];
  for (const [what, list, noTies] of cases) {
    const root = new PyDict();
    list.forEach((t, i) => root.set(`t${i}`, t));
    const occurrences = walkTensors(root);
    const index = new CoverageIndex(occurrences.map((o) => o.tensor.payload));
    assert.equal(index.holdsNoTies(), noTies, what);
    assert.deepEqual(countTensors(root, occurrences, [...root.map.keys()] as string[], index).tied, findTies(occurrences), what);
  }
});

test('buffers are judged on name and shape: a mask is [1, 1, T, T], a Linear bias is 1-D', () => {
  const cases: Array<[string, TensorRef, boolean]> = [
    ['transformer.h.0.attn.bias', view('0', [1, 1, 1024, 1024]), true],
    ['transformer.h.0.attn.bias', view('0', [1, 1, 1024, 1024], { dtype: dtype('bool') }), true],
    ['transformer.h.0.attn.c_attn.bias', view('0', [2304]), false],
    ['conv.bias', view('0', [64]), false],
    ['odd.bias', view('0', [2, 1, 8, 8]), false],
    ['transformer.h.0.attn.masked_bias', view('0', []), true],
    ['blocks.0.sa.heads.0.tril', view('0', [256, 256]), true],
    ['layers.0.tril', view('0', [256, 128]), false],
    ['bn1.running_mean', view('0', [64]), true],
    ['bn1.running_var', view('0', [64]), true],
    ['bn1.num_batches_tracked', view('0', [], { dtype: dtype('int64') }), true],
    ['bn1.weight', view('0', [64]), false],
    ['model.layers.0.self_attn.rotary_emb.inv_freq', view('0', [64]), true],
    ['embeddings.position_ids', view('0', [1, 512], { dtype: dtype('int64') }), true],
    ['decoder.mask', view('0', [1, 1, 64, 64]), true],
    ['decoder.mask', view('0', [64, 32]), false],
  ];
  for (const [path, t, want] of cases) assert.equal(isBuffer(path, t), want, `${path} ${JSON.stringify(t.shape)}`);
});

function dict(entries: Array<[string, PyValue]>): PyDict {
  const d = new PyDict();
  for (const [k, v] of entries) d.set(k, v);
  return d;
}
const tensor = (t: TensorRef): PyOpaque<TensorRef> => new PyOpaque('tensor', t);

function rolesOf(root: PyDict): Record<string, string> {
  const occurrences = walkTensors(root);
  const { roles } = assignRoles(root, occurrences, [...root.entries()].map(([k]) => String(k)));
  return Object.fromEntries(occurrences.map((o, i) => [o.path, roles[i]]));
}

test('a plain training loop: model weights and buffers, optimizer moments, RNG states, a metric', () => {
  const optimizer = dict([
    ['state', dict([['0', dict([['exp_avg', tensor(view('3', [4, 4]))], ['step', tensor(view('4', []))]])]])],
    ['param_groups', [dict([['lr', 0.1]])]],
  ]);
  const root = dict([
    ['model_state_dict', dict([['fc.weight', tensor(view('0', [4, 4]))], ['bn.running_mean', tensor(view('1', [4]))], ['fc.bias', tensor(view('2', [4]))]])],
    ['optimizer_state_dict', optimizer],
    ['torch_rng_state', tensor(view('5', [5056], { dtype: dtype('uint8') }))],
    ['cuda_rng_state', tensor(view('6', [16], { dtype: dtype('uint8') }))],
    ['best_loss', tensor(view('7', []))],
  ]);
  assert.deepEqual(rolesOf(root), {
    'model_state_dict.fc.weight': 'parameter',
    'model_state_dict.bn.running_mean': 'buffer',
    'model_state_dict.fc.bias': 'parameter',
    'optimizer_state_dict.state.0.exp_avg': 'optimizer',
    'optimizer_state_dict.state.0.step': 'optimizer',
    torch_rng_state: 'rng',
    cuda_rng_state: 'rng',
    best_loss: 'other',
  });
});

test("RNG state is a byte tensor: a float tensor named like one is not, and a model's `state` module is not an optimizer", () => {
  const root = dict([
    ['rng_state', tensor(view('0', [4]))],
    ['encoder.state.0.weight', tensor(view('1', [4, 4]))],
    ['encoder.state.0.bias', tensor(view('2', [4]))],
  ]);
  assert.deepEqual(rolesOf(root), { rng_state: 'parameter', 'encoder.state.0.weight': 'parameter', 'encoder.state.0.bias': 'parameter' });
});

test("Hugging Face rng_state.pth with CUDA: every device's state is RNG, and there is no model", () => {
  const root = dict([
    ['python', 'inert'],
    ['numpy', 'inert'],
    ['cpu', tensor(view('0', [5056], { dtype: dtype('uint8') }))],
    ['cuda', [tensor(view('1', [16], { dtype: dtype('uint8') })), tensor(view('2', [16], { dtype: dtype('uint8') }))]],
  ]);
  const occurrences = walkTensors(root);
  const { roles, modelKey } = assignRoles(root, occurrences, ['python', 'numpy', 'cpu', 'cuda']);
  assert.deepEqual([roles, modelKey], [['rng', 'rng', 'rng'], undefined]);
});

test('optimizer state under a list (Lightning) or a key named for it is optimizer state wherever it sits', () => {
  const adam = dict([
    ['state', dict([['0', dict([['exp_avg_sq', tensor(view('1', [4]))]])]])],
    ['param_groups', []],
  ]);
  const root = dict([
    ['state_dict', dict([['model.w', tensor(view('0', [4]))]])],
    ['optimizer_states', [adam]],
    ['optim', dict([['momentum', tensor(view('2', [4]))]])],
  ]);
  assert.deepEqual(rolesOf(root), { 'state_dict.model.w': 'parameter', 'optimizer_states.0.state.0.exp_avg_sq': 'optimizer', 'optim.momentum': 'optimizer' });
});
