// The reader against what real PyTorch saw: every fixture in test/fixtures/expected.json (written
// by test/fixtures/make_fixtures.py with torch 1.13) is inspected, with hashes, and compared.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/inspect/inspectFile';
import type { TensorInfo } from '../../src/core/inspect/report';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const MARKER = '/tmp/checkpoint-manager-pwned';

interface Expected {
  format?: string;
  tensors?: TensorInfo[];
  parameters?: number;
  security?: { verdict: string; globals: string[] };
  error?: string;
  step?: number;
}

const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { files: Record<string, Expected> };

test('the fixture table covers every kind of file the issue names', () => {
  const names = Object.keys(expected.files);
  for (const part of ['nanochat/', 'workspace/', 'formats/legacy', 'formats/torchscript', 'hostile/', 'broken/', '.safetensors']) {
    assert.ok(names.some((n) => n.includes(part)), `no fixture for ${part}`);
  }
});

for (const [name, want] of Object.entries(expected.files)) {
  test(`inspect ${name}`, async () => {
    const file = join(fixtures, name);
    if (want.error) {
      await assert.rejects(inspectFile(file, { sha256: true }), (err: unknown) => {
        assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
        assert.equal(err.code, want.error);
        return true;
      });
      return;
    }
    const report = await inspectFile(file, { sha256: true });
    assert.equal(report.format, want.format);
    assert.deepEqual(
      report.tensors.map((t) => ({ path: t.path, dtype: t.dtype, shape: t.shape, nbytes: t.nbytes, sha256: t.sha256 })),
      want.tensors,
    );
    assert.equal(report.parameters, want.parameters);
    if (want.security) {
      assert.equal(report.security.verdict, want.security.verdict);
      assert.deepEqual([...report.security.globals].sort(), [...want.security.globals].sort());
    }
    if (want.step !== undefined) assert.equal(report.step, want.step);
    assert.equal(existsSync(MARKER), false, 'a hostile payload ran');
  });
}
