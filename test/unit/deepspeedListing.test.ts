// DeepSpeed `global_stepN/` folders in the listing: the model states file(s) and one ZeRO optimizer
// partition per data-parallel rank are one checkpoint (layout `deepspeed`) with its step, size and
// partition count; a missing partition marks it incomplete; prune deletes its files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listRoot } from '../../src/core/listing/listRoot';
import { pruneUnitOf } from '../../src/core/prune/pruneUnit';
import { makeTree } from './support/tempTree';

test('a DeepSpeed global_stepN folder lists as one checkpoint with its ZeRO partitions', async () => {
  const { root, cleanup } = await makeTree({
    'ds/latest': 'global_step20',
    'ds/global_step20/mp_rank_00_model_states.pt': 100,
    'ds/global_step20/zero_pp_rank_0_mp_rank_00_optim_states.pt': 300,
    'ds/global_step20/zero_pp_rank_1_mp_rank_00_optim_states.pt': 300,
    'z3/global_step5/zero_pp_rank_0_mp_rank_00_model_states.pt': 10,
    'z3/global_step5/zero_pp_rank_1_mp_rank_00_model_states.pt': 10,
    'z3/global_step5/bf16_zero_pp_rank_1_mp_rank_00_optim_states.pt': 50,
  });
  try {
    const listing = await listRoot(root);
    const rows = listing.runs.map((r) => ({
      tag: r.tag,
      checkpoints: r.checkpoints.map((c) => ({ name: c.name, layout: c.layout, step: c.step, shards: c.shards, bytes: c.bytes, modelBytes: c.modelBytes, optimizerBytes: c.optimizerBytes, main: c.mainFile?.slice(root.length + 1), ranks: c.files.map((f) => [f.name, f.rank]), incomplete: c.incomplete })),
    }));
    assert.deepEqual(rows, [
      {
        tag: 'ds/global_step20',
        checkpoints: [{
          name: 'global_step20', layout: 'deepspeed', step: 20, shards: 2, bytes: 700, modelBytes: 100, optimizerBytes: 600, main: 'ds/global_step20/mp_rank_00_model_states.pt',
          ranks: [['mp_rank_00_model_states.pt', undefined], ['zero_pp_rank_0_mp_rank_00_optim_states.pt', 0], ['zero_pp_rank_1_mp_rank_00_optim_states.pt', 1]], incomplete: undefined,
        }],
      },
      {
        tag: 'z3/global_step5',
        checkpoints: [{
          name: 'global_step5', layout: 'deepspeed', step: 5, shards: 1, bytes: 70, modelBytes: 20, optimizerBytes: 50, main: 'z3/global_step5/zero_pp_rank_0_mp_rank_00_model_states.pt',
          ranks: [['zero_pp_rank_0_mp_rank_00_model_states.pt', 0], ['zero_pp_rank_1_mp_rank_00_model_states.pt', 1], ['bf16_zero_pp_rank_1_mp_rank_00_optim_states.pt', 1]], incomplete: 'no optimizer partition for data-parallel rank 0',
        }],
      },
    ]);
    const c = listing.runs[0]!.checkpoints[0]!;
    assert.deepEqual(pruneUnitOf(c).paths, c.files.map((f) => f.path));
  } finally {
    await cleanup();
  }
});
