// Accelerate's FSDP LOCAL_STATE_DICT (test/fixtures/dcp/make_dcp.py: each rank's flat parameter
// as torch 1.13's FSDP hook wraps it, a ShardedTensor of its local shard, torch.saved per rank):
// the rank files open as one checkpoint, each rank's tensor shown under rank<r>, holding the
// slice of the flat parameter that rank saved (checked against the tensors torch's DCP reader
// assembled, flattened as the fixture flattens them); the listing shows the set as one
// checkpoint with a shard per rank; a missing rank is an error naming the set.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { listRoot } from '../../src/core/listing/listRoot';
import { CheckpointSession } from '../../src/core/session/checkpointSession';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp');
const local = join(dir, 'accelerate', 'local');

async function bytesOf(session: CheckpointSession, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of session.tensorBytes(path)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

for (const via of ['folder', 'rank1 file'] as const) {
  test(`the rank files through the ${via}: one checkpoint, each rank's local shard under rank<r>`, async () => {
    const truth = await CheckpointSession.open({ kind: 'file', path: join(dir, 'truth', 'two_ranks.pt') }, { sidecar: null });
    const set = await CheckpointSession.open({ kind: 'file', path: via === 'folder' ? local : join(local, 'pytorch_model_fsdp_rank1.bin') });
    try {
      const report = set.summary();
      assert.deepEqual(report.tensors.map((t) => [t.path, t.dtype, t.shape, t.file]), [
        ['rank0.flat_param', 'float32', [16], 'pytorch_model_fsdp_rank0.bin'],
        ['rank1.flat_param', 'float32', [16], 'pytorch_model_fsdp_rank1.bin'],
      ]);
      assert.deepEqual(report.shards?.files.map((f) => [f.file, f.tensors]), [['pytorch_model_fsdp_rank0.bin', 1], ['pytorch_model_fsdp_rank1.bin', 1]]);
      const flat = Buffer.concat([await bytesOf(truth, 'w_rows'), await bytesOf(truth, 'bias')]);
      assert.deepEqual(await bytesOf(set, 'rank0.flat_param'), flat.subarray(0, 64));
      assert.deepEqual(await bytesOf(set, 'rank1.flat_param'), flat.subarray(64, 128));
      assert.match(report.notes.join(' '), /FSDP LOCAL_STATE_DICT: 2 rank files, shown per rank/);
    } finally {
      await truth.close();
      await set.close();
    }
  });
}

test('a set without its rank 0 file is an error naming what is there', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-fsdp-'));
  try {
    copyFileSync(join(local, 'pytorch_model_fsdp_rank1.bin'), join(tmp, 'pytorch_model_fsdp_rank1.bin'));
    await assert.rejects(CheckpointSession.open({ kind: 'file', path: tmp }), (err: unknown) => err instanceof CheckpointError && /has pytorch_model_fsdp_rank1\.bin: the rank 0 file is missing/.test(err.message));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the listing shows the rank files as one checkpoint, a shard per rank', async () => {
  const listing = await listRoot(join(dir, 'accelerate'));
  const run = listing.runs.find((r) => r.tag === 'local')!;
  assert.deepEqual(run.checkpoints.map((c) => [c.name, c.layout, c.shards, c.files.map((f) => f.rank), c.mainFile?.endsWith('pytorch_model_fsdp_rank0.bin')]), [['pytorch_model_fsdp_rank*.bin', 'fsdp-ranks', 2, [0, 1], true]]);
});
