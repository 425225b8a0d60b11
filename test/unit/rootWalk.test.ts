// walkRoot: one walk that gives what walkTensors and findDicts give, and where each of a root
// dict's entries' tensors start, so a report's counts need not walk the root again.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import { describeParts, describeWith, walkForReport } from '../../src/core/inspect/describeCheckpoint';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { dtypeByName } from '../../src/core/torch/dtypes';
import type { DType } from '../../src/core/torch/dtypes';
import type { TensorRef } from '../../src/core/torch/tensorRef';
import { findDicts, tensorsUnder, walkRoot, walkTensors } from '../../src/core/torch/tensorWalk';
import { PyDict, PyGlobal, PyObject, PyOpaque, PyTuple } from '../../src/core/values/pyValue';
import type { PyValue } from '../../src/core/values/pyValue';

const f32 = dtypeByName('float32') as DType;
let nextKey = 0;
function tensor(): PyOpaque<TensorRef> {
  const key = String(nextKey++);
  return new PyOpaque('tensor', { dtype: f32, shape: [2], stride: [1], storageOffset: 0, storage: { key, dtype: f32, nbytes: 8, location: 'cpu' }, requiresGrad: false, parameter: false });
}
const marked = (d: PyDict): boolean => d.get('marked') === true;

/** Checks walkRoot against the walks it stands in for; returns its entryStarts. */
function agrees(root: PyValue): number[] | undefined {
  const walk = walkRoot(root, marked);
  const alone = walkTensors(root);
  assert.deepEqual(walk.occurrences.map((o) => o.path), alone.map((o) => o.path));
  assert.ok(walk.occurrences.every((o, i) => o.tensor === alone[i].tensor));
  assert.deepEqual(walk.dicts, findDicts(root, marked));
  if (walk.entryStarts) {
    assert.ok(root instanceof PyDict);
    const values = [...root.map.values()];
    assert.equal(walk.entryStarts.length, values.length + 1);
    values.forEach((v, i) => {
      const slice = walk.occurrences.slice(walk.entryStarts![i], walk.entryStarts![i + 1]).map((o) => o.tensor);
      const under = tensorsUnder(v);
      assert.equal(slice.length, under.length, `entry ${i}`);
      assert.ok(slice.every((t, j) => t === under[j]), `entry ${i}`);
    });
  }
  return walk.entryStarts;
}

test('walkRoot: the tensors and dicts the separate walks find, and each entry of a root dict its own run of them', () => {
  const w = tensor();
  const shared = new PyDict();
  shared.set('w', w);
  shared.set('marked', true);
  const loop: PyValue[] = [tensor()];
  loop.push(loop, shared);
  const obj = new PyObject(new PyGlobal('__main__', 'Thing'), [], 'newobj');
  const state = new PyDict();
  state.set('t', tensor());
  state.set('again', shared);
  obj.state = new PyTuple([state, null]);
  obj.listItems.push(w, [tensor()]);
  const root = new PyDict();
  root.set('a', shared);
  root.set(7n, loop);
  root.set('empty', new PyDict());
  root.set('obj', obj);
  root.set('tied', w);
  root.set('scalar', 3n);
  assert.deepEqual(agrees(root), [0, 1, 3, 3, 7, 8, 8]);
});

test('walkRoot gives no entry starts where a walk per entry would differ: the root under itself, a list or object root', () => {
  const root = new PyDict();
  root.set('t', tensor());
  root.set('self', [tensor(), root]);
  assert.equal(agrees(root), undefined);
  assert.equal(agrees([tensor(), [tensor()]]), undefined);
  const obj = new PyObject(new PyGlobal('__main__', 'Thing'), [], 'newobj');
  const state = new PyDict();
  state.set('t', tensor());
  obj.state = state;
  assert.equal(agrees(obj), undefined);
  assert.equal(agrees(tensor()), undefined);
});

test('walkRoot agrees with the separate walks on any graph of dicts, lists, tuples and shared tensors, cycles included', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(20), fc.nat(20), fc.boolean()), { minLength: 1, maxLength: 40 }), (steps) => {
      // Containers made up front; each step puts a tensor, a scalar or another container (maybe
      // one already placed, maybe the root) into one of them.
      const nodes: Array<PyDict | PyValue[]> = [new PyDict()];
      const tensors = [tensor(), tensor(), tensor()];
      for (const [kind, into, pick, mark] of steps) {
        const target = nodes[into % nodes.length];
        let value: PyValue;
        if (kind === 0) value = tensors[pick % tensors.length];
        else if (kind === 1) value = BigInt(pick);
        else if (kind === 2) {
          const made: PyDict | PyValue[] = mark ? new PyDict() : [];
          if (made instanceof PyDict && pick % 2 === 0) made.set('marked', true);
          nodes.push(made);
          value = pick % 3 === 0 ? new PyTuple([made]) : made;
        } else value = nodes[pick % nodes.length];
        if (Array.isArray(target)) target.push(value);
        else target.set(`k${target.size}`, value);
      }
      agrees(nodes[0]);
    }),
    { numRuns: 300 },
  );
});

test('a report made with walkForReport is the report made without it, on every fixture checkpoint', async () => {
  const root = join(__dirname, '..', '..', '..', 'test', 'fixtures');
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.(pt|pth|bin|ckpt)$/.test(name)) files.push(p);
    }
  };
  for (const dir of ['formats', 'nanochat', 'compare', 'export']) visit(join(root, dir));
  assert.ok(files.length >= 10, `${files.length} fixtures`);
  let compared = 0;
  for (const file of files) {
    const source = await FileByteSource.open(file);
    try {
      const checkpoint = await openCheckpoint(source).catch(() => undefined);
      if (!checkpoint) continue;
      const walk = walkForReport(checkpoint.root);
      const input = { file, name: file, size: source.size, checkpoint, occurrences: walk.occurrences };
      const plain = describeWith(await describeParts(input));
      const walked = describeWith(await describeParts({ ...input, walk }));
      assert.deepEqual(walked, plain, file);
      if (walk.entryStarts && walk.entryStarts.length > 1) compared++;
    } finally {
      await source.close();
    }
  }
  assert.ok(compared >= 10, `${compared} reports used the walk's entry starts`);
});
