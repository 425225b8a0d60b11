import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, formatShape } from '../../src/webview/format';

test('formatShape prints like torch.Size', () => {
  assert.deepEqual([formatShape([768, 50304]), formatShape([]), formatShape([0, 3])], ['[768, 50304]', '[]', '[0, 3]']);
});

test('baseName takes the last segment for either separator', () => {
  assert.deepEqual([baseName('/a/b/ckpt.pt'), baseName('C:\\runs\\last.pt'), baseName('x.pt')], ['ckpt.pt', 'last.pt', 'x.pt']);
});
