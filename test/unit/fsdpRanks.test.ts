// Accelerate's FSDP LOCAL_STATE_DICT (test/fixtures/dcp/make_dcp.py: each rank's flat parameter
// as torch 1.13's FSDP hook wraps it, a ShardedTensor of its local shard, torch.saved per rank):
// the rank files open as one checkpoint, the flat parameter assembled from the ranks' shards by
// the offsets their ShardMetadata gives (checked against the tensors torch's DCP reader
// assembled, flattened as the fixture flattens them); the listing shows the set as one
// checkpoint with a shard per rank; a missing rank is an error naming the set.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { listRoot } from '../../src/core/listing/listRoot';
import { CheckpointSession } from '../../src/core/session/checkpointSession';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp');
const local = join(dir, 'accelerate', 'local');

/** Statistics of float32 bytes, through a one-tensor safetensors file made of them. */
async function statsOfBytes(bytes: Buffer): Promise<unknown> {
  const header = Buffer.from(JSON.stringify({ t: { dtype: 'F32', shape: [bytes.length / 4], data_offsets: [0, bytes.length] } }));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  const tmp = mkdtempSync(join(tmpdir(), 'cpm-fsdp-stats-'));
  try {
    writeFileSync(join(tmp, 't.safetensors'), Buffer.concat([size, header, bytes]));
    const s = await CheckpointSession.open({ kind: 'file', path: join(tmp, 't.safetensors') }, { sidecar: null });
    try {
      return await s.stats('t');
    } finally {
      await s.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function bytesOf(session: CheckpointSession, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of session.tensorBytes(path)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

for (const via of ['folder', 'rank1 file'] as const) {
  test(`the rank files through the ${via}: one checkpoint, the flat parameter assembled from the ranks' shards`, async () => {
    const truth = await CheckpointSession.open({ kind: 'file', path: join(dir, 'truth', 'two_ranks.pt') }, { sidecar: null });
    const set = await CheckpointSession.open({ kind: 'file', path: via === 'folder' ? local : join(local, 'pytorch_model_fsdp_rank1.bin') });
    try {
      const report = set.summary();
      assert.deepEqual(report.tensors.map((t) => [t.path, t.dtype, t.shape, t.file, t.chunks]), [
        ['flat_param', 'float32', [32], 'pytorch_model_fsdp_rank0.bin, pytorch_model_fsdp_rank1.bin', [
          { file: 'pytorch_model_fsdp_rank0.bin', offsets: [0], sizes: [16] },
          { file: 'pytorch_model_fsdp_rank1.bin', offsets: [16], sizes: [16] },
        ]],
      ]);
      assert.deepEqual(report.shards?.files.map((f) => [f.file, f.tensors]), [['pytorch_model_fsdp_rank0.bin', 1], ['pytorch_model_fsdp_rank1.bin', 1]]);
      const flat = Buffer.concat([await bytesOf(truth, 'w_rows'), await bytesOf(truth, 'bias')]);
      assert.deepEqual(await bytesOf(set, 'flat_param'), flat);
      assert.deepEqual(await set.stats('flat_param'), await statsOfBytes(flat));
      assert.match(report.notes.join(' '), /FSDP LOCAL_STATE_DICT: 2 rank files\. 1 ShardedTensor .* assembled from the ranks' local shards/);
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
