import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatMetric, formatSteps } from '../../src/core/listing/listingFormat';

test('sizes use binary units with three significant digits', () => {
  assert.deepEqual(
    [0, 512, 1023, 1024, 1536, 12.5 * 1024 ** 2, 1.2 * 1024 ** 3, 150 * 1024 ** 3].map(formatBytes),
    ['0 B', '512 B', '1023 B', '1.00 KiB', '1.50 KiB', '12.5 MiB', '1.20 GiB', '150 GiB'],
  );
});

test('metrics are short', () => {
  assert.deepEqual([0.812345, 2, 1.5e-5, 0].map(formatMetric), ['0.8123', '2', '1.500e-5', '0']);
});

test('steps are listed, or elided past five', () => {
  assert.equal(formatSteps([300, 100, 200]), '100, 200, 300');
  assert.equal(formatSteps([1, 2, 3, 4, 5, 6, 7]), '1, 2, 3, …, 7');
  assert.equal(formatSteps([]), '');
});
