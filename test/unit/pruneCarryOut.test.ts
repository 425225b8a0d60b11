// Carrying out a plan: a second look keeps whatever was written to since the plan was shown, and
// only what the plan deleted is deleted, each unit whole, to the trash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { carryOut, confirmPlan, trashesFor } from '../../src/core/prune/carryOut';
import { planListing } from '../../src/core/prune/prunePlan';
import type { PrunePlan } from '../../src/core/prune/prunePlan';
import type { RetentionPolicy } from '../../src/core/prune/retentionPolicy';
import { makeTree } from './support/tempTree';

const KEEP_LAST_1: RetentionPolicy = { keepLast: 1, keepBest: 0, keepEvery: 0, keepWithoutMetric: true, recentMinutes: 10 };
const plan = async (root: string): Promise<PrunePlan> => planListing(await listRoot(root), () => KEEP_LAST_1, { readCheckpoints: false });
const reasons = (p: PrunePlan): string[] => p.runs[0]!.units.map((u) => `${u.name}: ${u.reason}`);

test('the second look keeps a checkpoint that grew, and one the shown plan kept, even if the rules now drop them', async () => {
  const spec: Record<string, number> = {};
  for (const s of ['000100', '000200', '000300']) {
    spec[`run/model_${s}.pt`] = 100;
    spec[`run/optim_${s}_rank0.pt`] = 100;
    spec[`run/optim_${s}_rank1.pt`] = 100;
  }
  const { root, cleanup } = await makeTree(spec);
  const trashHome = await mkdtemp(join(tmpdir(), 'prune-trash-'));
  try {
    const shown = await plan(root);
    assert.deepEqual(reasons(shown), ['step 000100: deleted: not in latest 1', 'step 000200: deleted: not in latest 1', 'step 000300: kept: newest, in latest 1']);
    // Meanwhile a rank of step 100 is still being written (its mtime kept old, so only the size
    // tells), and step 400 arrives, which pushes step 300 out of the latest 1.
    const growing = join(root, 'run', 'optim_000100_rank1.pt');
    await appendFile(growing, Buffer.alloc(50));
    await utimes(growing, 1_700_000_000, 1_700_000_000);
    await writeFile(join(root, 'run', 'model_000400.pt'), Buffer.alloc(100));
    await utimes(join(root, 'run', 'model_000400.pt'), 1_700_100_000, 1_700_100_000);
    const final = confirmPlan(shown, await plan(root));
    assert.deepEqual(reasons(final), [
      'step 000100: kept: changed since it was listed (a run may be writing it)',
      'step 000200: deleted: not in latest 1',
      'step 000300: kept: kept in the plan that was confirmed',
      'step 000400: kept: newest, in latest 1',
    ]);
    assert.equal(final.reclaimBytes, 300);
    const { trashes, missing } = await trashesFor(final, { env: { XDG_DATA_HOME: trashHome }, platform: 'linux' });
    assert.deepEqual(missing, []);
    const results = await carryOut(final, { trashes });
    assert.deepEqual(
      results.map((r) => [r.name, r.outcome, r.to?.map((p) => p.slice(trashHome.length))]),
      [['step 000200', 'trashed', ['/Trash/files/model_000200.pt', '/Trash/files/optim_000200_rank0.pt', '/Trash/files/optim_000200_rank1.pt']]],
    );
    assert.deepEqual((await readdir(join(root, 'run'))).sort(), [
      'model_000100.pt',
      'model_000300.pt',
      'model_000400.pt',
      'optim_000100_rank0.pt',
      'optim_000100_rank1.pt',
      'optim_000300_rank0.pt',
      'optim_000300_rank1.pt',
    ]);
  } finally {
    await cleanup();
    await rm(trashHome, { recursive: true, force: true });
  }
});

test('a unit that vanished before the second look is reported, not an error', async () => {
  const { root, cleanup } = await makeTree({ 'run/model_000100.pt': 10, 'run/model_000200.pt': 10 });
  try {
    const shown = await plan(root);
    await rm(join(root, 'run', 'model_000100.pt'));
    const final = confirmPlan(shown, await plan(root));
    assert.deepEqual(final.warnings, [`${join(root, 'run', 'model_000100.pt')}: gone since the plan was shown`]);
    assert.deepEqual(await carryOut(final, { permanent: true }), []);
  } finally {
    await cleanup();
  }
});

test('deleting for good removes a whole checkpoint-N folder, subfolders included; nothing outside the root is touched', async () => {
  const { root, cleanup } = await makeTree({
    'hf/checkpoint-100/model.safetensors': 10,
    'hf/checkpoint-100/global_step100/mp_rank_00_model_states.pt': 10,
    'hf/checkpoint-200/model.safetensors': 10,
  });
  try {
    const final = confirmPlan(await plan(root), await plan(root));
    const results = await carryOut(final, { permanent: true });
    assert.deepEqual(results.map((r) => [r.name, r.outcome]), [['checkpoint-100', 'deleted']]);
    assert.ok(!existsSync(join(root, 'hf', 'checkpoint-100')));
    assert.ok(existsSync(join(root, 'hf', 'checkpoint-200', 'model.safetensors')));
    // A plan whose root does not hold its paths deletes nothing.
    const elsewhere = { ...final, root: join(root, 'other') };
    const refused = await carryOut({ ...elsewhere, runs: (await plan(root)).runs.map((r) => ({ ...r, units: r.units.map((u) => ({ ...u, keep: false })) })) }, { permanent: true });
    assert.deepEqual(refused.map((r) => r.outcome), ['failed']);
    assert.match(refused[0]!.error!, /is not under/);
    assert.ok(existsSync(join(root, 'hf', 'checkpoint-200')));
  } finally {
    await cleanup();
  }
});
