// The default retention policy lives in the settings (checkpointManager.retention.*), with a
// per-root override: the manifest declares what the core resolves, with the same defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRetentionPolicy } from '../../src/core/prune/resolvePolicy';
import { DEFAULT_POLICY } from '../../src/core/prune/retentionPolicy';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; additionalProperties?: { properties?: Record<string, unknown> } }> } };
};
const PREFIX = 'checkpointManager.retention.';
const settings = Object.entries(manifest.contributes.configuration.properties).filter(([k]) => k.startsWith(PREFIX));

test('the manifest declares every policy field with the core\'s default, and overrides of the same fields', () => {
  const defaults = Object.fromEntries(settings.map(([k, v]) => [k.slice(PREFIX.length), v.default]));
  const { overrides, ...fields } = defaults;
  assert.deepEqual(overrides, {});
  // VS Code hands the settings over as one object: resolved as it is, it is the core's default policy.
  assert.deepEqual(resolveRetentionPolicy({ ...fields, overrides }, '/anywhere'), { policy: DEFAULT_POLICY, problems: [] });
  assert.deepEqual(Object.keys(fields).sort(), ['keepBest', 'keepEvery', 'keepLast', 'keepWithoutMetric', 'metric', 'mode', 'recentMinutes']);
  const overrideFields = settings.find(([k]) => k === `${PREFIX}overrides`)![1].additionalProperties?.properties;
  assert.deepEqual(Object.keys(overrideFields ?? {}).sort(), Object.keys(fields).sort());
});

test('an override applies to the runs under its path, the longest matching path winning, field by field', () => {
  const config = {
    keepLast: 2,
    metric: '',
    overrides: {
      '~/.cache/nanochat': { keepLast: 5, keepEvery: 1000 },
      '~/.cache/nanochat/base_checkpoints/d20': { keepBest: 3, metric: 'val_bpb', mode: 'min' },
      '/data/runs': { recentMinutes: 30 },
    },
  };
  const home = '/home/me';
  assert.deepEqual(resolveRetentionPolicy(config, '/home/me/.cache/nanochat/base_checkpoints/d20', home), {
    policy: { ...DEFAULT_POLICY, keepLast: 2, keepBest: 3, metric: 'val_bpb', mode: 'min' },
    override: '~/.cache/nanochat/base_checkpoints/d20',
    problems: [],
  });
  assert.deepEqual(resolveRetentionPolicy(config, '/home/me/.cache/nanochat/mid_checkpoints/d20', home).policy, { ...DEFAULT_POLICY, keepLast: 5, keepEvery: 1000 });
  assert.deepEqual(resolveRetentionPolicy(config, '/data/runs', home).policy, { ...DEFAULT_POLICY, keepLast: 2, recentMinutes: 30 });
  // `/data/runs-old` is not under `/data/runs`.
  assert.equal(resolveRetentionPolicy(config, '/data/runs-old/x', home).override, undefined);
});

test('values of the wrong type are ignored and named; nothing else is lost', () => {
  const resolved = resolveRetentionPolicy(
    { keepLast: -1, keepBest: 2.5, mode: 'lowest', keepWithoutMetric: 'no', recentMinutes: 5, overrides: { relative: { keepLast: 1 }, '/r': { keepEvery: 'often' } } },
    '/r/run',
  );
  assert.deepEqual(resolved, {
    policy: { ...DEFAULT_POLICY, recentMinutes: 5 },
    override: '/r',
    problems: [
      'retention.keepLast: expected a whole number ≥ 0, got -1',
      'retention.keepBest: expected a whole number ≥ 0, got 2.5',
      'retention.keepWithoutMetric: expected true or false, got "no"',
      'retention.mode: expected "min", "max" or "auto", got "lowest"',
      'retention.overrides: "relative" is not an absolute path (or ~/…); ignored',
      'retention.overrides["/r"].keepEvery: expected a whole number ≥ 0, got "often"',
    ],
  });
  assert.deepEqual(resolveRetentionPolicy(undefined, '/x'), { policy: DEFAULT_POLICY, problems: [] });
  assert.deepEqual(resolveRetentionPolicy({ overrides: [] }, '/x').problems, ['retention.overrides: not an object']);
});
