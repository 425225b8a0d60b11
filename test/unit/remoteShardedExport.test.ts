// Export from a sharded set at a URL (nginx on loopback): the CLI merges the shards it reads by
// range into one .pt and one .safetensors, which Debian's torch finds equal to the same state dict
// saved whole (merged.pt), byte for byte what the export from the local folder writes, in a few
// range requests per shard.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startNginx } from './support/nginxServer';
import type { NginxServer } from './support/nginxServer';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const cli = join(root, 'dist', 'cli.js');
const runCli = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
let server: NginxServer;
let out: string;

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'cpm-remote-merge-'));
  server = await startNginx(join(fixtures, 'sharded'));
});
after(async () => {
  await server?.stop();
  rmSync(out, { recursive: true, force: true });
});

for (const { set, index, shards } of [
  { set: 'hf_safetensors', index: 'model.safetensors.index.json', shards: 3 },
  { set: 'hf_bin', index: 'pytorch_model.bin.index.json', shards: 2 },
]) {
  test(`${set} at a URL: export merges its shards into a .pt and a .safetensors that torch finds equal to merged.pt`, () => {
    const cases = [];
    for (const ext of ['.pt', '.safetensors']) {
      const before = server.requests().length;
      const remote = join(out, `${set}-remote${ext}`);
      const r = runCli('export', `${server.origin}/${set}/${index}`, remote, '--json');
      assert.equal(r.status, 0, r.stderr);
      const used = server.requests().slice(before);
      // Every shard read by range, a few requests each: the index, then each shard's header and its tensors.
      assert.ok(used.every((q) => q.status === 206 || (q.uri.endsWith('.json') && q.status === 200)), JSON.stringify(used));
      assert.equal(new Set(used.filter((q) => !q.uri.endsWith('.json')).map((q) => q.uri)).size, shards);
      assert.ok(used.length <= 1 + 4 * shards, `${used.length} requests: ${JSON.stringify(used)}`);
      const local = join(out, `${set}-local${ext}`);
      assert.equal(runCli('export', join(fixtures, 'sharded', set, index), local).status, 0);
      const result = JSON.parse(r.stdout) as { kind: string; weightsKey: string; ties: unknown[] };
      if (ext === '.safetensors') {
        // The metadata names the source file: the same name from the URL and from the folder.
        assert.deepEqual(readFileSync(remote), readFileSync(local));
      }
      cases.push({ out: remote, kind: result.kind, source: join(fixtures, 'sharded', 'merged.pt'), sourceName: index, reference: 'torch', key: '', strip: [], dtype: null, ties: result.ties, step: null, maxShard: null });
    }
    const file = join(out, `${set}-cases.json`);
    writeFileSync(file, JSON.stringify(cases));
    const check = spawnSync('/usr/bin/python3', [join(fixtures, 'export', 'check_export.py'), 'check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(check.status, 0, check.stderr);
    assert.deepEqual((JSON.parse(check.stdout) as { results: Array<{ problems: string[] }> }).results.map((x) => x.problems), [[], []]);
  });
}
