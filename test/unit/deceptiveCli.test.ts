// The CLI's text output shows a checkpoint's hidden and reordering characters as escapes (the
// keys written by test/fixtures/build_deceptive.py); its JSON keeps them exact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = join(root, 'test', 'fixtures', 'deceptive', 'deceptive_keys.pt');
const keys = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'deceptive', 'expected.json'), 'utf8')) as Record<string, string>;

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('inspect and stats print bidi controls and zero-width characters as escapes', () => {
  for (const out of [run('inspect', fixture), run('stats', fixture)]) {
    assert.doesNotMatch(out, /[\u202a-\u202e\u2066-\u2069\u200b]/u);
  }
  const stats = run('stats', fixture);
  assert.ok(stats.includes('model_state_dict.model_state_dict.\\u202egnp.exe'), stats.slice(0, 400));
  assert.ok(stats.includes('model_state_dict.head\\u2066hidden\\u2069.weight'));
  assert.ok(stats.includes('model_state_dict.wte\\u200b.weight'));
  assert.ok(run('inspect', fixture).includes('name: "run\\u202e1v"'));
});

test('inspect --json keeps the keys exactly as the file has them', () => {
  const report = JSON.parse(run('inspect', fixture, '--json')) as { tensors: Array<{ path: string }> };
  const paths = report.tensors.map((t) => t.path);
  assert.ok(paths.includes(`model_state_dict.${keys.bidi}`));
  assert.ok(paths.includes(`model_state_dict.${keys.long}`));
});
