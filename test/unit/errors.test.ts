import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, LfsPointerError, TruncatedError } from '../../src/core/errors';

test('describeError gives the typed error its own sentence', () => {
  assert.match(describeError(new LfsPointerError()), /Git LFS pointer/);
  assert.equal(new TruncatedError().code, 'truncated');
});

test('describeError turns file-system codes into words', () => {
  assert.equal(describeError(Object.assign(new Error('x'), { code: 'ENOENT' })), 'No such file.');
});
