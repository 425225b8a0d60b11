// The reader against what real PyTorch saw: every fixture in test/fixtures/expected.json (written
// by test/fixtures/make_fixtures.py with torch 1.13) is inspected, with hashes, and compared. The
// counts (shared storage once), tied pairs and, where the fixture's builder noted them, each
// tensor's role come from torch's own view of memory, not from this reader.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError, DamagedRecordError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/session/inspectFile';
import type { ModelCheckpointState, OptimizerSummary, RoleTotals, TensorInfo, TensorRole } from '../../src/core/inspect/report';
import type { TiedPair } from '../../src/core/torch/tiedTensors';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const MARKER = '/tmp/checkpoint-manager-pwned';

interface Expected {
  format?: string;
  tensors?: Array<Omit<TensorInfo, 'role'> & { role?: TensorRole }>;
  parameters?: number;
  tensorBytes?: number;
  tied?: TiedPair[];
  modelParameters?: number;
  roles?: Partial<Record<TensorRole, RoleTotals>>;
  security?: { verdict: string; globals: string[]; calls?: string[] };
  error?: string;
  damage?: { record: string; tensors: string[] };
  step?: number;
  /** Saved device per tensor path, as torch.load hands each storage to map_location (build_devices.py). */
  devices?: Record<string, string>;
  /** What torch.load says without map_location, for files saved on a device this machine lacks. */
  loadError?: string | null;
  /** Optimizer state dicts as torch loaded them (torch_view.describe_optimizers): no `kind`, which is ours. */
  optimizers?: Array<Omit<OptimizerSummary, 'kind'>>;
  /** nanoGPT's `model_args` as torch loaded it. */
  modelArgs?: Record<string, unknown>;
  modelCheckpoints?: Array<Pick<ModelCheckpointState, 'key' | 'monitor' | 'bestModelScore' | 'currentScore' | 'bestModelPath' | 'bestKModels'>>;
}

const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { files: Record<string, Expected> };

test('the fixture table covers every kind of file the issue names', () => {
  const names = Object.keys(expected.files);
  for (const part of ['nanochat/', 'workspace/', 'formats/legacy', 'formats/torchscript', 'formats/rng_state', 'hostile/', 'broken/', 'broken/damaged_', '.safetensors']) {
    assert.ok(names.some((n) => n.includes(part)), `no fixture for ${part}`);
  }
  const files = Object.values(expected.files);
  const hasRole = (role: TensorRole): boolean => files.some((f) => f.roles?.[role] !== undefined);
  assert.deepEqual((['parameter', 'buffer', 'optimizer', 'rng', 'other'] as const).filter((r) => !hasRole(r)), [], 'a role no fixture has');
  assert.ok(files.some((f) => f.roles && !f.roles.parameter && f.roles.optimizer), 'no optimizer-only file');
  assert.ok(files.some((f) => (f.tied ?? []).length > 0 && f.roles?.parameter), 'no file with tied weights');
  assert.ok(files.some((f) => f.damage && f.damage.tensors.length > 1), 'no damaged record shared by several tensors');
});

for (const [name, want] of Object.entries(expected.files)) {
  test(`inspect ${name}`, async () => {
    const file = join(fixtures, name);
    if (want.error) {
      await assert.rejects(inspectFile(file, { sha256: true }), (err: unknown) => {
        assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
        assert.equal(err.code, want.error);
        if (want.damage) {
          assert.ok(err instanceof DamagedRecordError, `expected a DamagedRecordError, got ${String(err)}`);
          assert.deepEqual({ record: err.record, tensors: err.tensors }, want.damage);
        }
        return true;
      });
      if (want.damage) {
        // The pickle is intact, and describing the file reads no tensor record, so it still works.
        const report = await inspectFile(file);
        assert.deepEqual(report.tensors.filter((t) => want.damage?.tensors.includes(t.path)).map((t) => t.path), want.damage.tensors);
      }
      return;
    }
    const report = await inspectFile(file, { sha256: true });
    assert.equal(report.format, want.format);
    assert.deepEqual(
      report.tensors.map((t, i) => ({
        path: t.path,
        dtype: t.dtype,
        shape: t.shape,
        nbytes: t.nbytes,
        sha256: t.sha256,
        ...(want.tensors?.[i]?.role !== undefined ? { role: t.role } : {}),
      })),
      want.tensors,
    );
    assert.deepEqual({ parameters: report.parameters, tensorBytes: report.tensorBytes, tied: report.tied }, { parameters: want.parameters, tensorBytes: want.tensorBytes, tied: want.tied });
    assert.deepEqual(report.tensors.filter((t) => t.sameAs !== undefined).map((t) => ({ path: t.path, sameAs: t.sameAs })), report.tied);
    if (want.roles) assert.deepEqual({ modelParameters: report.modelParameters, roles: report.roles }, { modelParameters: want.modelParameters, roles: want.roles });
    if (want.security) {
      assert.equal(report.security.verdict, want.security.verdict);
      assert.deepEqual([...report.security.globals].sort(), [...want.security.globals].sort());
      // What loading would run, for every hostile file; nothing for the others.
      assert.deepEqual(report.security.calls, want.security.calls);
    }
    if (want.step !== undefined) assert.equal(report.step, want.step);
    // Every other fixture was saved from the CPU; safetensors records no device.
    const cpu = report.format === 'safetensors' ? undefined : 'cpu';
    assert.deepEqual(
      Object.fromEntries(report.tensors.map((t) => [t.path, t.device])),
      want.devices ?? Object.fromEntries(report.tensors.map((t) => [t.path, cpu])),
    );
    if (want.optimizers) assert.deepEqual((report.optimizers ?? []).map(({ kind: _kind, ...rest }) => rest), want.optimizers);
    if (want.modelArgs) assert.deepEqual(report.architecture, want.modelArgs);
    if (want.modelCheckpoints) {
      assert.deepEqual(
        report.modelCheckpoints?.map(({ key, monitor, bestModelScore, currentScore, bestModelPath, bestKModels }) => ({ key, monitor, bestModelScore, currentScore, bestModelPath, bestKModels })),
        want.modelCheckpoints,
      );
    }
    assert.equal(existsSync(MARKER), false, 'a hostile payload ran');
  });
}
