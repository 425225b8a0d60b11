import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { packedWrapperPrefixes, wrapperPrefixes } from '../../src/core/export/exportChoices';
import type { InspectReport, TensorInfo } from '../../src/core/inspect/report';
import { packReport } from '../../src/core/inspect/tensorColumns';

function reportOf(modelKey: string | undefined, paths: string[]): InspectReport {
  const tensors: TensorInfo[] = paths.map((path) => ({ path, dtype: 'float32', shape: [1], nbytes: 4, role: 'parameter' }));
  return { ...(modelKey !== undefined ? { modelKey } : {}), tensors } as unknown as InspectReport;
}

test('the wrapper prefixes read from the columns are those read from the rows', () => {
  // Paths made of pieces that make and break the prefixes, across the model key and across rows.
  const piece = fc.constantFrom('model.', 'state_dict.', 'module.', '_orig_mod.', 'mod', 'ule.', '_orig_', 'w', '.', '');
  const path = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
  const modelKey = fc.constantFrom(undefined, '', 'model', 'state_dict', 'model.module');
  fc.assert(
    fc.property(modelKey, fc.array(path, { maxLength: 8 }), (key, paths) => {
      const report = reportOf(key, paths);
      assert.deepStrictEqual(packedWrapperPrefixes(packReport(report)), wrapperPrefixes(report));
    }),
    { numRuns: 2000 },
  );
});

test('a prefix is found only inside one path, never across the end of one and the start of the next', () => {
  // The column's text is 'model.modmodule.x': 'module.' starts at the second path's start, not the first's.
  assert.deepStrictEqual(packedWrapperPrefixes(packReport(reportOf('model', ['model.mod', 'ule.x']))), []);
  assert.deepStrictEqual(packedWrapperPrefixes(packReport(reportOf('model', ['model.mod', 'model.module.x']))), ['module.']);
  assert.deepStrictEqual(packedWrapperPrefixes(packReport(reportOf('', ['_orig_mod.a', 'module.b']))), ['_orig_mod.', 'module.']);
  assert.deepStrictEqual(packedWrapperPrefixes(packReport(reportOf(undefined, ['module.b']))), []);
  // Only the model's weights count: an optimizer's path that happens to start so does not.
  assert.deepStrictEqual(packedWrapperPrefixes(packReport(reportOf('model', ['model.w', 'optimizer.module.x']))), []);
});
