import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TensorInfo } from '../../src/core/inspect/report';
import { DEFAULT_SORT, filterRows, hashesJson, nextSort, parseSort, sortRows, toRows } from '../../src/webview/tensorQuery';
import { parseViewState } from '../../src/webview/viewState';
import { rowWindow } from '../../src/webview/virtualWindow';

const TENSORS: TensorInfo[] = [
  { path: 'transformer.h.10.attn.weight', dtype: 'bfloat16', shape: [64, 64], nbytes: 8192, role: 'parameter' },
  { path: 'transformer.h.2.attn.weight', dtype: 'float32', shape: [64, 64], nbytes: 16384, role: 'parameter' },
  { path: 'transformer.wte.weight', dtype: 'bfloat16', shape: [1000, 64], nbytes: 128000, role: 'parameter', sha256: 'ab12cd' },
  { path: 'step', dtype: 'int64', shape: [], nbytes: 8, role: 'parameter' },
  { path: 'transformer.h.2.ln.weight', dtype: 'float32', shape: [64], nbytes: 256, role: 'parameter' },
];
const rows = toRows(TENSORS);
const paths = (rs: { path: string }[]): string[] => rs.map((r) => r.path);

test('toRows derives elements and shape text once', () => {
  assert.deepEqual(
    rows.map((r) => [r.index, r.shapeText, r.elements, r.bytes, r.sha256]),
    [
      [0, '[64, 64]', 4096, 8192, undefined],
      [1, '[64, 64]', 4096, 16384, undefined],
      [2, '[1000, 64]', 64000, 128000, 'ab12cd'],
      [3, '[]', 1, 8, undefined],
      [4, '[64]', 64, 256, undefined],
    ],
  );
});

test('the filter matches every term, case-insensitively, in path, dtype, shape or hash', () => {
  assert.deepEqual(paths(filterRows(rows, 'H.2')), ['transformer.h.2.attn.weight', 'transformer.h.2.ln.weight']);
  assert.deepEqual(paths(filterRows(rows, 'attn  BFLOAT16')), ['transformer.h.10.attn.weight']);
  assert.deepEqual(paths(filterRows(rows, '[64]')), ['transformer.h.2.ln.weight']);
  assert.deepEqual(paths(filterRows(rows, 'AB12')), ['transformer.wte.weight']);
  assert.deepEqual(paths(filterRows(rows, '   ')), paths(rows));
  assert.deepEqual(paths(filterRows(rows, 'nothing-like-this')), []);
});

test('the filter treats markup and regex characters as plain text', () => {
  const hostile = toRows([{ path: '<img src=x onerror=alert(1)>', dtype: 'float32', shape: [1], nbytes: 4, role: 'parameter' }, { path: 'a.b', dtype: 'float32', shape: [1], nbytes: 4, role: 'parameter' }]);
  assert.deepEqual(paths(filterRows(hostile, '<img')), ['<img src=x onerror=alert(1)>']);
  assert.deepEqual(paths(filterRows(hostile, '.*')), []);
});

test('sorting by path is numeric-aware; sizes sort by value; ties keep file order', () => {
  assert.deepEqual(paths(sortRows(rows, { key: 'path', direction: 'asc' })), [
    'step',
    'transformer.h.2.attn.weight',
    'transformer.h.2.ln.weight',
    'transformer.h.10.attn.weight',
    'transformer.wte.weight',
  ]);
  assert.deepEqual(paths(sortRows(rows, { key: 'bytes', direction: 'desc' })), [
    'transformer.wte.weight',
    'transformer.h.2.attn.weight',
    'transformer.h.10.attn.weight',
    'transformer.h.2.ln.weight',
    'step',
  ]);
  // Equal element counts (4096) stay in file order in both directions.
  assert.deepEqual(paths(sortRows(rows, { key: 'elements', direction: 'desc' })).slice(1, 3), ['transformer.h.10.attn.weight', 'transformer.h.2.attn.weight']);
  assert.deepEqual(paths(sortRows(rows, { key: 'shape', direction: 'asc' })), [
    'step',
    'transformer.h.2.ln.weight',
    'transformer.h.10.attn.weight',
    'transformer.h.2.attn.weight',
    'transformer.wte.weight',
  ]);
  assert.deepEqual(paths(sortRows(rows, { key: 'dtype', direction: 'asc' })).map((p) => TENSORS.find((t) => t.path === p)?.dtype), ['bfloat16', 'bfloat16', 'float32', 'float32', 'int64']);
  assert.deepEqual(paths(sortRows(rows, DEFAULT_SORT)), paths(rows));
});

test('sortRows does not reorder its input', () => {
  const before = paths(rows);
  sortRows(rows, { key: 'path', direction: 'desc' });
  assert.deepEqual(paths(rows), before);
});

test('clicking headers: a new column starts ascending (sizes descending), the same column flips', () => {
  assert.deepEqual(nextSort(DEFAULT_SORT, 'path'), { key: 'path', direction: 'asc' });
  assert.deepEqual(nextSort({ key: 'path', direction: 'asc' }, 'path'), { key: 'path', direction: 'desc' });
  assert.deepEqual(nextSort({ key: 'path', direction: 'asc' }, 'bytes'), { key: 'bytes', direction: 'desc' });
  assert.deepEqual(nextSort({ key: 'bytes', direction: 'desc' }, 'bytes'), { key: 'bytes', direction: 'asc' });
});

test('persisted state is validated: junk gives the defaults', () => {
  assert.deepEqual(parseViewState({ filter: 'h.0', sort: { key: 'bytes', direction: 'desc' } }), { filter: 'h.0', sort: { key: 'bytes', direction: 'desc' } });
  assert.deepEqual(parseViewState(undefined), { filter: '', sort: DEFAULT_SORT });
  assert.deepEqual(parseViewState({ filter: 7, sort: { key: 'evil', direction: 'up' } }), { filter: '', sort: DEFAULT_SORT });
  assert.deepEqual(parseSort({ key: 'shape', direction: 'sideways' }), DEFAULT_SORT);
});

test('rowWindow keeps only the rows in view plus an overscan margin in the DOM', () => {
  // 10,000 rows of 22 px, a 440 px viewport scrolled to row 5,000.
  assert.deepEqual(rowWindow(10_000, 22, 5000 * 22, 440, 10), { start: 4990, end: 5031, padTop: 4990 * 22, padBottom: (10_000 - 5031) * 22 });
  assert.deepEqual(rowWindow(10_000, 22, 0, 440, 10), { start: 0, end: 31, padTop: 0, padBottom: (10_000 - 31) * 22 });
  // Scrolled past the end (the list just got shorter): clamps to the end.
  assert.deepEqual(rowWindow(5, 22, 10_000, 440, 10), { start: 5, end: 5, padTop: 110, padBottom: 0 });
  assert.deepEqual(rowWindow(0, 22, 0, 440), { start: 0, end: 0, padTop: 0, padBottom: 0 });
});

test('the filter matches the saved device and a Lightning label; the label is what the path column shows', () => {
  const lightning = toRows([
    { path: "callbacks.ModelCheckpoint{'monitor': 'val_loss'}.best_model_score", label: 'callbacks.ModelCheckpoint(monitor=val_loss).best_model_score', dtype: 'float32', shape: [], nbytes: 4, device: 'cuda:0', role: 'other' },
    { path: 'state_dict.w', dtype: 'float32', shape: [2], nbytes: 8, device: 'cpu', role: 'parameter' },
  ]);
  assert.deepEqual(lightning.map((r) => r.shownPath), ['callbacks.ModelCheckpoint(monitor=val_loss).best_model_score', 'state_dict.w']);
  assert.deepEqual(paths(filterRows(lightning, 'cuda')), [lightning[0].path]);
  assert.deepEqual(paths(filterRows(lightning, 'monitor=val_loss')), [lightning[0].path]);
});

test('hashes copy as a JSON object of path to sha256, for the rows shown, in their order', () => {
  const hashed = toRows([
    { path: 'b', dtype: 'float32', shape: [1], nbytes: 4, sha256: '22', role: 'parameter' },
    { path: '__proto__', dtype: 'float32', shape: [1], nbytes: 4, sha256: '33', role: 'parameter' },
    { path: 'a', dtype: 'float32', shape: [1], nbytes: 4, role: 'parameter' },
  ]);
  assert.equal(hashesJson(hashed), '{\n  "b": "22",\n  "__proto__": "33"\n}');
  assert.deepEqual(Object.keys(JSON.parse(hashesJson(sortRows(hashed, { key: 'path', direction: 'asc' }))) as object), ['__proto__', 'b']);
});
