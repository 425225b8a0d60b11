import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSteps } from '../../src/core/listing/listingFormat';

test('steps are listed, or elided past five', () => {
  assert.equal(formatSteps([300, 100, 200]), '100, 200, 300');
  assert.equal(formatSteps([1, 2, 3, 4, 5, 6, 7]), '1, 2, 3, …, 7');
  assert.equal(formatSteps([]), '');
});
