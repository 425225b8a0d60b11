// The compare report's detail and chart from the core: the statistics and histogram of B - A,
// streamed from both files, against what torch computed from the same pairs
// (test/fixtures/compare/diff_histograms.json, from diff_histograms.py), in this thread and through
// the session worker as the extension asks for them; and the per-layer grouping of rel_l2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { blockIndex, layerChanges, moduleKind } from '../../src/core/compare/layerGroups';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { SessionClient } from '../../src/core/session/sessionClient';
import { differenceStats } from '../../src/core/session/sessionCompare';
import type { ExpectedStats } from './support/statsExpected';
import { assertStatsMatch } from './support/statsExpected';

const out = join(__dirname, '..', '..', 'src', 'core');
const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'compare');
const expected = JSON.parse(readFileSync(join(fixtures, 'diff_histograms.json'), 'utf8')) as { cases: Record<string, { a: string; b: string; tensors: Record<string, ExpectedStats> }> };
const client = new SessionClient({ script: join(out, 'session', 'sessionWorker.js'), kernelScript: join(out, 'parallel', 'kernelWorker.js'), idleMs: 0, inPlaceBytes: 0 });
after(() => client.dispose());

const file = (rel: string) => ({ kind: 'file' as const, path: join(fixtures, rel) });

for (const [name, c] of Object.entries(expected.cases)) {
  test(`B - A of every common tensor in ${name}, as torch computes it`, async () => {
    const [a, b] = await Promise.all([CheckpointSession.open(file(c.a)), CheckpointSession.open(file(c.b))]);
    try {
      assert.ok(Object.keys(c.tensors).length > 0);
      for (const [path, want] of Object.entries(c.tensors)) {
        const progress: Array<[number, number]> = [];
        const got = await differenceStats(a, path, b, path, { onProgress: (done, total) => progress.push([done, total]) });
        assertStatsMatch(got, want, `${name} ${path}`);
        if (want.count > 0) assert.deepEqual(progress.at(-1), [progress.at(-1)![1], progress.at(-1)![1]], `${path}: progress ends at its total`);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}

test('the session worker compares two sessions and answers the difference of a pair', async () => {
  const c = expected.cases.steps!;
  const [a, b] = await Promise.all([client.openSession(file(c.a)), client.openSession(file(c.b))]);
  try {
    const { report, layers } = await a.compareWith(b);
    assert.equal(report.counts.changed.tensors, Object.keys(c.tensors).length);
    assert.deepEqual(layers.positions.map((p) => p.label), ['embeddings', '0', '1', 'head']);
    const path = 'transformer.h.1.mlp.c_fc.weight';
    assertStatsMatch(await a.differenceWith(b, path, path), c.tensors[path]!, path);
    await assert.rejects(a.differenceWith(b, path, 'transformer.h.1.attn.c_k.weight'), /differ in dtype or shape/);
    await assert.rejects(a.differenceWith(b, 'nope', 'nope'), /There is no tensor "nope"/);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a cancelled difference rejects as cancelled', async () => {
  const c = expected.cases.finetune!;
  const [a, b] = await Promise.all([CheckpointSession.open(file(c.a)), CheckpointSession.open(file(c.b))]);
  try {
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(differenceStats(a, 'lm_head.weight', b, 'lm_head.weight', { signal: stop.signal }), { name: 'AbortError' });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('module kinds and block indices from the names of nanochat, nanoGPT, Hugging Face and plain models', () => {
  const rows: Array<[string, number | undefined, string]> = [
    ['transformer.wte.weight', undefined, 'embeddings'],
    ['transformer.h.3.attn.c_q.weight', 3, 'attn'],
    ['transformer.h.3.mlp.c_fc.weight', 3, 'mlp'],
    ['transformer.h.3.ln_1.weight', 3, 'head/other'],
    ['_orig_mod.transformer.h.10.attn.c_attn.bias', 10, 'attn'],
    ['model.layers.2.self_attn.q_proj.weight', 2, 'attn'],
    ['model.layers.2.mlp.gate_proj.weight', 2, 'mlp'],
    ['model.embed_tokens.weight', undefined, 'embeddings'],
    ['bert.encoder.layer.1.attention.self.query.weight', 1, 'attn'],
    ['bert.encoder.layer.1.intermediate.dense.weight', 1, 'mlp'],
    ['lm_head.weight', undefined, 'head/other'],
    ['model_state_dict.fc1.weight', undefined, 'mlp'],
    ['model.norm.weight', undefined, 'head/other'],
  ];
  assert.deepEqual(rows.map(([p]) => [p, blockIndex(p), moduleKind(p)]), rows);
});

test('rel_l2 per layer: the mean per block and kind, identical tensors as 0, embeddings before the blocks and the head after', () => {
  const changed = (path: string, rel_l2: number) => ({ path, rel_l2 }) as never;
  const layers = layerChanges({
    changed: [changed('transformer.wte.weight', 0.5), changed('transformer.h.0.attn.c_q.weight', 0.1), changed('transformer.h.0.attn.c_k.weight', 0.3), changed('transformer.h.1.mlp.c_fc.weight', 0.2), changed('lm_head.weight', 0.4), changed('transformer.h.1.attn.c_q.weight', NaN)],
    identical: ['transformer.h.1.attn.c_k.weight', 'transformer.h.0.mlp.c_fc.weight'],
  });
  assert.deepEqual(layers.positions, [{ x: -1, label: 'embeddings' }, { x: 0, label: '0' }, { x: 1, label: '1' }, { x: 2, label: 'head' }]);
  assert.equal(layers.skipped, 1);
  assert.deepEqual(layers.series.map((s) => [s.kind, s.values.map((v) => (v === null ? null : Math.round(v * 1e12) / 1e12))]), [
    ['attn', [null, 0.2, 0, null]],
    ['mlp', [null, 0, 0.2, null]],
    ['embeddings', [0.5, null, null, null]],
    ['head/other', [null, null, null, 0.4]],
  ]);
  const attn0 = layers.groups.find((g) => g.position === '0' && g.kind === 'attn')!;
  assert.deepEqual({ tensors: attn0.tensors, max: attn0.max }, { tensors: 2, max: 0.3 });
});

test('a model without blocks puts its tensors on two positions', () => {
  const layers = layerChanges({ changed: [{ path: 'fc1.weight', rel_l2: 0.25 } as never], identical: ['embedding.weight'] });
  assert.deepEqual(layers.positions.map((p) => p.label), ['embeddings', 'other']);
});
