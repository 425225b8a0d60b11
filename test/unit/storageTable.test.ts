// The storage table a torch pickle's persistent ids fill: one StorageRef per key, whatever the
// keys look like. Decimal keys index an array; keys out of order, far ahead (a hostile
// "9999999"), not canonical ("017") or not numbers at all take the map, and every one is found
// again under its own key, in first-seen order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStorageTable } from '../../src/core/torch/persistentStorage';
import { resolveTorchGlobal } from '../../src/core/torch/torchReconstructions';
import { PyGlobal, PyTuple } from '../../src/core/values/pyValue';
import type { PyOpaque } from '../../src/core/values/pyValue';
import type { StorageRef } from '../../src/core/torch/tensorRef';

const FLOAT = new PyGlobal('torch', 'FloatStorage');
assert.ok(resolveTorchGlobal('torch', 'FloatStorage'));

const pid = (key: string, numel = 4n) => new PyTuple(['storage', FLOAT, key, 'cpu', numel]);
const refOf = (v: unknown): StorageRef => (v as PyOpaque<StorageRef>).payload;

test('every key, decimal or not, in order or not, maps to one StorageRef, in first-seen order', () => {
  const table = createStorageTable();
  const keys = ['0', '2', '1', '9999999', '017', 'abc', '', '1025', '3'];
  const first = keys.map((k) => refOf(table.persistentLoad(pid(k))));
  keys.forEach((k, i) => {
    assert.equal(first[i].key, k);
    assert.equal(table.storages.get(k), first[i]);
    assert.equal(table.storages.has(k), true);
    // Named again: the same object (tensors on one storage share it).
    assert.equal(refOf(table.persistentLoad(pid(k))), first[i]);
  });
  assert.deepEqual([...table.storages.keys()], keys);
  assert.deepEqual([...table.storages.values()], first);
  for (const missing of ['4', '17', '9999998', '00', 'abd']) {
    assert.equal(table.storages.get(missing), undefined);
    assert.equal(table.storages.has(missing), false);
  }
});

test('a key far past the ones seen does not grow the array: 100,000 far keys stay cheap and are all found', () => {
  const table = createStorageTable();
  for (let i = 0; i < 100_000; i++) table.persistentLoad(pid(String(10_000_000 + i * 7)));
  for (let i = 0; i < 100_000; i += 997) assert.equal(table.storages.get(String(10_000_000 + i * 7))?.key, String(10_000_000 + i * 7));
  assert.equal([...table.storages.values()].length, 100_000);
});
