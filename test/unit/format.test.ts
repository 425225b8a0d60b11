import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatCount, formatInteger, formatMetric, plural } from '../../src/core/format';

test('sizes use binary units with three significant digits, carrying at 1024', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [12.5 * 1024 ** 2, '12.5 MiB'],
    [497_664_000, '475 MiB'],
    [1024 ** 3 - 1, '1.00 GiB'],
    [1.2 * 1024 ** 3, '1.20 GiB'],
    [150 * 1024 ** 3, '150 GiB'],
    [5 * 1024 ** 4, '5.00 TiB'],
  ];
  assert.deepEqual(cases.map(([n]) => formatBytes(n)), cases.map(([, s]) => s));
});

test('counts in human form, rounding up into the next unit', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [999, '999'],
    [1000, '1.0K'],
    [12_345, '12.3K'],
    [124_412_160, '124.4M'],
    [7_000_000_000, '7.0B'],
    [999_960, '1.0M'],
    [999_949, '999.9K'],
    [2e15, '2000.0T'],
    [-1500, '-1.5K'],
  ];
  assert.deepEqual(cases.map(([n]) => formatCount(n)), cases.map(([, s]) => s));
});

test('metrics keep integers and trim floats to the asked significant digits', () => {
  assert.deepEqual([0.812345, 2, 1.5e-5, 0, Number.NaN].map((v) => formatMetric(v)), ['0.8123', '2', '1.500e-5', '0', 'NaN']);
  assert.deepEqual([2.851421356201172, 0.81234, 1e-7].map((v) => formatMetric(v, 6)), ['2.85142', '0.81234', '1.00000e-7']);
});

test('integers group thousands; plural counts with them', () => {
  assert.deepEqual([0, 999, 1000, 124_412_160, -1_234_567].map(formatInteger), ['0', '999', '1,000', '124,412,160', '-1,234,567']);
  assert.deepEqual([plural(1, 'tensor'), plural(0, 'tensor'), plural(10_000, 'tensor'), plural(2, 'child', 'children')], ['1 tensor', '0 tensors', '10,000 tensors', '2 children']);
});
