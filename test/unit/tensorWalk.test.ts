import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorruptError } from '../../src/core/errors';
import { PyDict, PyObject, PyGlobal, PyOpaque, PyTuple } from '../../src/core/values/pyValue';
import type { PyValue } from '../../src/core/values/pyValue';
import { dtypeByName } from '../../src/core/torch/dtypes';
import type { DType } from '../../src/core/torch/dtypes';
import type { TensorRef } from '../../src/core/torch/tensorRef';
import { distinctTensors, eachTensorUnder, findDicts, keyToString, tensorsUnder, walkTensors } from '../../src/core/torch/tensorWalk';
import { pyToJson } from '../../src/core/inspect/pyJson';

const f32 = dtypeByName('float32') as DType;
function tensor(key: string, storageOffset = 0): PyOpaque<TensorRef> {
  return new PyOpaque('tensor', { dtype: f32, shape: [2], stride: [1], storageOffset, storage: { key, dtype: f32, nbytes: 64, location: 'cpu' }, requiresGrad: false, parameter: false });
}

test('paths join keys and indices depth first, in container order; tied tensors appear under each path', () => {
  const w = tensor('0');
  const sd = new PyDict('collections.OrderedDict');
  sd.set('wte.weight', w);
  sd.set('lm_head.weight', w);
  const opt = new PyDict();
  const state = new PyDict();
  const s0 = new PyDict();
  s0.set('exp_avg', tensor('1'));
  state.set(0n, s0);
  opt.set('state', state);
  const root = new PyDict();
  root.set('model', sd);
  root.set('optimizer', opt);
  root.set('history', [new PyTuple([1n, tensor('2')])]);
  const occ = walkTensors(root);
  assert.deepEqual(occ.map((o) => o.path), ['model.wte.weight', 'model.lm_head.weight', 'optimizer.state.0.exp_avg', 'history.0.1']);
  assert.equal(distinctTensors(occ).length, 3);
});

test("an unknown object's BUILD state is walked as its attributes (TorchScript modules)", () => {
  const inner = new PyObject(new PyGlobal('__torch__', 'Linear'), [], 'newobj');
  const state = new PyDict();
  state.set('training', true);
  state.set('weight', tensor('0'));
  inner.state = state;
  const outer = new PyObject(new PyGlobal('__torch__', 'Net'), [], 'newobj');
  const outerState = new PyDict();
  outerState.set('fc', inner);
  outer.state = outerState;
  assert.deepEqual(walkTensors(outer).map((o) => o.path), ['fc.weight']);
});


test('a container that holds itself is walked once', () => {
  const list: PyValue[] = [tensor('0')];
  list.push(list);
  assert.deepEqual(walkTensors(list).map((o) => o.path), ['0']);
});

test('tensorsUnder finds what walkTensors finds, in its order: shared containers, cycles, object state, tied tensors', () => {
  const w = tensor('0');
  const shared = new PyDict();
  shared.set('w', w);
  shared.set('b', tensor('1'));
  const loop: PyValue[] = [tensor('2')];
  loop.push(loop, shared);
  const obj = new PyObject(new PyGlobal('__main__', 'Thing'), [], 'newobj');
  const state = new PyDict();
  state.set('t', tensor('3'));
  state.set('again', shared);
  obj.state = new PyTuple([state, null]);
  obj.listItems.push(w, [tensor('4')]);
  const root = new PyDict();
  root.set('a', shared);
  root.set(7n, loop);
  root.set('obj', obj);
  root.set('tied', w);
  root.set('scalar', 3n);
  const walked = walkTensors(root).map((o) => o.tensor);
  assert.equal(walked.length, 11);
  assert.deepEqual(tensorsUnder(root), walked);
  assert.ok(tensorsUnder(root).every((t, i) => t === walked[i]));
});

test('a hostile graph of shared lists (2^40 paths) is refused, not walked forever', { timeout: 60_000 }, () => {
  let v: PyValue = [tensor('0')];
  for (let i = 0; i < 40; i++) v = [v, v];
  assert.throws(() => walkTensors(v), CorruptError);
  assert.throws(() => tensorsUnder(v), CorruptError);
  // Rendering it as config JSON stays bounded too.
  const json = JSON.stringify(pyToJson(v));
  assert.ok(json.length < 10_000_000);
});

test('dict keys in paths: str, int, bool, None, float and tuple', () => {
  assert.deepEqual([keyToString('a'), keyToString(3n), keyToString(true), keyToString(null), keyToString(1.5), keyToString(new PyTuple([1n, 'x']))], ['a', '3', 'True', 'None', '1.5', '(1, x)']);
});

test('findDicts gives a dict the path walkTensors gives a tensor there: int, tuple and empty keys, lists, object state, cycles', () => {
  // Each marked dict holds a tensor under `t`: its path is the dict's path and `.t` ('t' at '').
  const marked = (): PyDict => {
    const d = new PyDict();
    d.set('marked', true);
    d.set('t', tensor('0'));
    return d;
  };
  const root = new PyDict();
  const byInt = new PyDict();
  byInt.set(3n, marked());
  byInt.set(new PyTuple(['a', 1n]), marked());
  root.set('state', byInt);
  const blank = new PyDict();
  blank.set('', marked());
  root.set('', blank);
  const obj = new PyObject(new PyGlobal('__main__', 'Holder'), [], 'newobj');
  const objState = new PyDict();
  objState.set('inner', [1n, marked()]);
  obj.state = objState;
  root.set('obj', obj);
  const cycle: PyValue[] = [marked()];
  cycle.push(cycle);
  root.set('cycle', cycle);
  const isMarked = (d: PyDict): boolean => d.get('marked') === true;
  const fromTensors = walkTensors(root).map((o) => o.path.replace(/\.?t$/, ''));
  assert.deepEqual(findDicts(root, isMarked), fromTensors);
  assert.deepEqual(fromTensors, ['state.3', 'state.(a, 1)', '', 'obj.inner.1', 'cycle.0']);
  assert.deepEqual(findDicts(marked(), isMarked), ['']);
});

test('eachTensorUnder hands over what tensorsUnder returns, one by one, in its order', () => {
  const w = tensor('0');
  const root = new PyDict();
  root.set('a', [w, tensor('1')]);
  root.set('b', w);
  const seen: Array<PyOpaque<TensorRef>> = [];
  eachTensorUnder(root, (t) => seen.push(t));
  assert.equal(seen.length, 3);
  assert.ok(seen.every((t, i) => t === tensorsUnder(root)[i]));
});
