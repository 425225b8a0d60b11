// The nested-value tree stays small whatever the pickle holds: bounded children, depth and nodes,
// with a count of what was left out, so the JSON sent to the webview stays small.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callbackLabel, callbackLabels, labelledPath } from '../../src/core/inspect/callbackKeys';
import type { ValueNode } from '../../src/core/inspect/report';
import { MAX_TREE_CHILDREN, MAX_TREE_DEPTH, MAX_TREE_NODES, treeBudget, valueTree } from '../../src/core/inspect/valueTree';
import { PyDict, PyOpaque, PyTuple } from '../../src/core/values/pyValue';
import type { PyValue } from '../../src/core/values/pyValue';

function dict(entries: Array<[string, PyValue]>): PyDict {
  const d = new PyDict();
  for (const [k, v] of entries) d.set(k, v);
  return d;
}

function count(nodes: readonly ValueNode[]): number {
  return nodes.reduce((s, n) => s + 1 + count(n.children ?? []), 0);
}

test('a long list shows its first children and counts the rest', () => {
  const long = Array.from({ length: 10_000 }, (_, i) => `item ${i}`);
  const tree = valueTree(dict([['tokens', long]]), treeBudget());
  const [node] = tree?.nodes ?? [];
  assert.equal(node.type, 'list[10000]');
  assert.equal(node.children?.length, MAX_TREE_CHILDREN);
  assert.equal(node.more, 10_000 - MAX_TREE_CHILDREN);
  assert.deepEqual(node.children?.[1], { key: '1', type: 'str', value: "'item 1'" });
});

test('nesting stops at a depth, with the number of entries below', () => {
  let v: PyValue = dict([['leaf', 1n]]);
  for (let i = 0; i < 20; i++) v = dict([[`level${i}`, v], ['n', BigInt(i)]]);
  let nodes = valueTree(v, treeBudget())?.nodes ?? [];
  let depth = 1;
  while (nodes[0]?.children) {
    nodes = nodes[0].children;
    depth++;
  }
  assert.equal(depth, MAX_TREE_DEPTH);
  assert.deepEqual([nodes[0].type, nodes[0].more], ['dict[2]', 2]);
});

test('one shared container under many keys costs at most the node budget in all', () => {
  // A hostile pickle can put one big container under every key (memo references).
  const shared = dict(Array.from({ length: 1000 }, (_, i): [string, PyValue] => [`k${i}`, [BigInt(i), 'x', [1n, [2n]]]]));
  const budget = treeBudget();
  const trees = Array.from({ length: 500 }, () => valueTree(shared, budget));
  const nodes = trees.reduce((s, t) => s + count(t?.nodes ?? []), 0);
  assert.equal(nodes, MAX_TREE_NODES);
  assert.ok(JSON.stringify(trees).length < 400_000, 'the payload stays small');
  assert.ok(trees.slice(-1)[0]?.more === 1000, 'the last trees say everything was left out');
});

test('short sequences of scalars are one value, as Python prints them', () => {
  const tree = valueTree(dict([['betas', new PyTuple([0.9, 0.999])], ['shape', [2n, 3n]], ['mixed', [1n, [2n]]], ['empty', []]]), treeBudget());
  assert.deepEqual(tree?.nodes.map((n) => [n.key, n.value, n.children?.length]), [['betas', '(0.9, 0.999)', undefined], ['shape', '[2, 3]', undefined], ['mixed', undefined, 2], ['empty', undefined, 0]]);
});

test("Lightning state keys become labels; two keys that would share a label keep their own", () => {
  const mc = "ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}";
  assert.equal(callbackLabel(mc), 'ModelCheckpoint(monitor=val_loss)');
  assert.equal(callbackLabel("ModelCheckpoint{'monitor': None, 'mode': 'min'}"), 'ModelCheckpoint');
  assert.equal(callbackLabel(`EarlyStopping{'monitor': "it's", 'mode': 'max'}`), "EarlyStopping(monitor=it's)");
  assert.equal(callbackLabel('model'), undefined);
  const twin = mc.replace("'every_n_epochs': 1", "'every_n_epochs': 2");
  const labels = callbackLabels([mc, twin, "EarlyStopping{'monitor': 'val_loss'}"]);
  assert.deepEqual([...labels], [["EarlyStopping{'monitor': 'val_loss'}", 'EarlyStopping(monitor=val_loss)']]);
  assert.equal(labelledPath("callbacks.EarlyStopping{'monitor': 'val_loss'}.best_score", 'callbacks.', labels), 'callbacks.EarlyStopping(monitor=val_loss).best_score');
  assert.equal(labelledPath('state_dict.w', 'callbacks.', labels), undefined);
});

test('telling containers of tensors apart costs a bounded scan per report, however often they are shared', () => {
  const dtype = { name: 'float32', itemsize: 4 } as never;
  const tensor = (key: string): PyValue => new PyOpaque('tensor', { dtype, shape: [1], stride: [1], storageOffset: 0, storage: { key, dtype, nbytes: 4, location: 'cpu' }, requiresGrad: false, parameter: false });
  const stateDict = dict(Array.from({ length: 300_000 }, (_, i): [string, PyValue] => [`w${i}`, tensor(String(i))]));
  const budget = treeBudget();
  // The same state dict under 30 keys: counted while the scan lasts, then shown opened (bounded).
  const trees = Array.from({ length: 30 }, () => valueTree(dict([['state_dict', stateDict], ['epoch', 1n]]), budget));
  const counted = trees.filter((t) => t?.nodes[0]?.tensors === 300_000).length;
  assert.ok(counted >= 1 && counted < 30, `counted ${counted} times`);
  assert.ok(budget.scans < 300_000, 'the scan stopped once what was left could not cover the state dict again');
  const opened = trees[trees.length - 1]?.nodes[0];
  assert.equal(opened?.tensors, undefined);
  assert.equal(opened?.more, 300_000 - MAX_TREE_CHILDREN);
});
