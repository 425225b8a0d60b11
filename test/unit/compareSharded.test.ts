// compare on the logical checkpoint of a Hugging Face sharded set (test/fixtures/sharded, written
// by torch through make_sharded.py): the set against the same weights in one file is all
// identical, against a copy with two tensors nudged it finds those two with the statistics the
// single files give, and each changed tensor names the shard file it lies in (as the index says).
// Each case runs in this thread and on real kernel workers (which must read the shards, not the
// index). The CLI takes a folder or an index as either side.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compareCheckpoints } from '../../src/core/compare/compareCheckpoints';
import type { CompareOptions } from '../../src/core/compare/compareCheckpoints';
import type { CompareReport } from '../../src/core/compare/compareReport';
import { openCompareSide } from '../../src/core/compare/compareSide';
import { KernelPool } from '../../src/core/parallel/kernelPool';

const root = join(__dirname, '..', '..', '..');
const sharded = (p: string): string => join(root, 'test', 'fixtures', 'sharded', p);
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });
after(() => pool.dispose());

const RUNS: Array<[string, CompareOptions]> = [
  ['in this thread', {}],
  ['on kernel workers', { pool, poolMinBytes: 0, pieceBytes: 1024 }],
];

async function compare(a: string, b: string, options: CompareOptions): Promise<CompareReport> {
  const sa = await openCompareSide({ kind: 'file', path: a });
  try {
    const sb = await openCompareSide({ kind: 'file', path: b });
    try {
      return await compareCheckpoints(sa.side, sb.side, options);
    } finally {
      await sb.close();
    }
  } finally {
    await sa.close();
  }
}

const weightMap = (index: string): Record<string, string> => (JSON.parse(readFileSync(sharded(index), 'utf8')) as { weight_map: Record<string, string> }).weight_map;
const merged = (): Record<string, string> => weightMap('hf_safetensors/model.safetensors.index.json');

for (const [how, options] of RUNS) {
  test(`a sharded set (folder or index) and the same weights in one file are equal, ${how}`, async () => {
    for (const set of ['hf_safetensors', 'hf_bin/pytorch_model.bin.index.json']) {
      const report = await compare(sharded(set), sharded('merged.pt'), options);
      assert.equal(report.equal, true, `${set}: ${report.summary}`);
      assert.deepEqual([...report.identical].sort(), Object.keys(merged()).sort());
      assert.equal(report.changed.length + report.mismatched.length + report.only_in_a.length + report.only_in_b.length, 0);
    }
    const both = await compare(sharded('hf_bin'), sharded('hf_safetensors'), options);
    assert.equal(both.equal, true, both.summary);
  });

  test(`a sharded set against a nudged copy: the two moved tensors, their shard files and the single file's statistics, ${how}`, async () => {
    // The same options: pieces summed in another order round differently in the last bits.
    const truth = await compare(sharded('merged.pt'), sharded('nudged.pt'), options);
    const moved = truth.changed.map((c) => c.path).sort();
    assert.deepEqual(moved, ['transformer.h.1.mlp.c_fc.weight', 'transformer.h.2.attn.c_proj.weight']);
    for (const [set, index] of [['hf_bin', 'hf_bin/pytorch_model.bin.index.json'], ['hf_safetensors', 'hf_safetensors/model.safetensors.index.json']]) {
      const map = weightMap(index);
      const forward = await compare(sharded(set), sharded('nudged.pt'), options);
      assert.equal(forward.equal, false);
      assert.deepEqual(forward.changed.map((c) => c.path).sort(), moved);
      for (const c of forward.changed) {
        const { file, file_b, ...stats } = c;
        assert.equal(file, map[c.path], `${set}: ${c.path}`);
        assert.equal(file_b, undefined);
        assert.deepEqual(stats, truth.changed.find((t) => t.path === c.path));
      }
      assert.equal(forward.identical.length, Object.keys(map).length - 2);
      // The sharded side as B: its shard is file_b.
      const backward = await compare(sharded('merged.pt'), sharded(index), options);
      assert.equal(backward.equal, true);
      const reversed = await compare(sharded('nudged.pt'), sharded(set), options);
      for (const c of reversed.changed) assert.deepEqual([c.file, c.file_b], [undefined, map[c.path]]);
    }
  });
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'compare', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI compares a folder or an index with a file; the readable form names the shard files', () => {
  const same = cli(sharded('hf_safetensors'), sharded('merged.pt'), '--json');
  assert.equal(same.status, 0, same.stderr);
  assert.equal((JSON.parse(same.stdout) as CompareReport).identical.length, Object.keys(merged()).length);
  const moved = cli(sharded('hf_bin/pytorch_model.bin.index.json'), sharded('nudged.pt'));
  assert.equal(moved.status, 1, moved.stderr);
  const map = weightMap('hf_bin/pytorch_model.bin.index.json');
  assert.match(moved.stdout, new RegExp(`transformer\\.h\\.1\\.mlp\\.c_fc\\.weight .*\\[A: ${map['transformer.h.1.mlp.c_fc.weight'].replaceAll('.', '\\.')}\\]`));
});

test('a sharded set with a missing shard is an error naming it (exit 2)', () => {
  const r = cli(sharded('missing_shard'), sharded('merged.pt'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /model-00002-of-00003\.safetensors is missing/);
});

const dcp = (p: string): string => join(root, 'test', 'fixtures', 'dcp', p);

for (const [how, options] of RUNS) {
  test(`a DCP folder of two ranks against the state dict its chunks assemble into: all identical (${how})`, async () => {
    const r = await compare(dcp('two_ranks'), dcp('truth/two_ranks.pt'), options);
    assert.deepEqual([r.only_in_a, r.only_in_b, r.mismatched, r.changed], [[], [], [], []]);
    assert.deepEqual([...r.identical].sort(), ['bf', 'bias', 'w_cols', 'w_grid', 'w_rows']);
  });
}
