import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, elementCount, formatBytes, formatCount, formatInteger, formatMetric, formatShape, plural } from '../../src/webview/format';

test('formatCount gives parameter counts in human form', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [999, '999'],
    [1000, '1.0K'],
    [12_345, '12.3K'],
    [124_412_160, '124.4M'],
    [7_000_000_000, '7.0B'],
    [999_960, '1.0M'], // rounds up into the next unit, not "1000.0K"
    [999_949, '999.9K'],
    [2e15, '2000.0T'],
    [-1500, '-1.5K'],
  ];
  assert.deepEqual(cases.map(([n]) => formatCount(n)), cases.map(([, s]) => s));
});

test('formatBytes uses binary units with one decimal', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [497_664_000, '474.6 MiB'],
    [1024 ** 3 - 1, '1.0 GiB'],
    [1_493_246_329, '1.4 GiB'],
    [5 * 1024 ** 4, '5.0 TiB'],
  ];
  assert.deepEqual(cases.map(([n]) => formatBytes(n)), cases.map(([, s]) => s));
});

test('formatInteger groups thousands', () => {
  assert.deepEqual([0, 999, 1000, 124_412_160, -1_234_567].map(formatInteger), ['0', '999', '1,000', '124,412,160', '-1,234,567']);
});

test('formatShape prints like torch.Size, and elementCount multiplies it out', () => {
  assert.deepEqual([formatShape([768, 50304]), formatShape([]), formatShape([0, 3])], ['[768, 50304]', '[]', '[0, 3]']);
  assert.deepEqual([elementCount([768, 50304]), elementCount([]), elementCount([0, 3])], [38_633_472, 1, 0]);
});

test('formatMetric keeps integers and trims floats to 6 significant digits', () => {
  assert.deepEqual([5000, 2.851421356201172, 0.81234, 1e-7, 0, Number.NaN].map(formatMetric), ['5000', '2.85142', '0.81234', '1.0000e-7', '0', 'NaN']);
});

test('baseName and plural', () => {
  assert.deepEqual([baseName('/a/b/ckpt.pt'), baseName('C:\\runs\\last.pt'), baseName('x.pt')], ['ckpt.pt', 'last.pt', 'x.pt']);
  assert.deepEqual([plural(1, 'tensor'), plural(0, 'tensor'), plural(10_000, 'tensor')], ['1 tensor', '0 tensors', '10,000 tensors']);
});
