// compare with a side at a URL, against Debian's nginx on loopback (test/unit/support/nginxServer.ts):
// a served file against its local copy is equal, a served sharded set (its index URL) against a
// nudged local file finds the two moved tensors and their shards, through the CLI and on kernel
// workers; every request is a range request, and there are few of them (counted in nginx's log).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compareCheckpoints } from '../../src/core/compare/compareCheckpoints';
import type { CompareReport } from '../../src/core/compare/compareReport';
import { openCompareSide } from '../../src/core/compare/compareSide';
import type { SourceSpec } from '../../src/core/io/sourceSpec';
import { KernelPool } from '../../src/core/parallel/kernelPool';
import { startNginx } from './support/nginxServer';
import type { LoggedRequest, NginxServer } from './support/nginxServer';

const root = join(__dirname, '..', '..', '..');
const sharded = (p: string): string => join(root, 'test', 'fixtures', 'sharded', p);
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });
let server: NginxServer;
let scratch: string;
before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cpm-compare-http-'));
  copyFileSync(sharded('merged.pt'), join(scratch, 'merged.pt'));
  cpSync(sharded('hf_safetensors'), join(scratch, 'set'), { recursive: true });
  server = await startNginx(scratch);
});
after(async () => {
  await pool.dispose();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function compare(a: SourceSpec, b: SourceSpec, withPool: boolean): Promise<{ report: CompareReport; used: LoggedRequest[] }> {
  const before = server.requests().length;
  const sa = await openCompareSide(a);
  const sb = await openCompareSide(b);
  try {
    const report = await compareCheckpoints(sa.side, sb.side, withPool ? { pool, poolMinBytes: 0 } : {});
    return { report, used: server.requests().slice(before) };
  } finally {
    await sa.close();
    await sb.close();
  }
}

const allRanges = (used: readonly LoggedRequest[]): boolean => used.every((r) => r.method === 'GET' && r.status === 206 && r.range.startsWith('bytes='));
const weightMap = JSON.parse(readFileSync(sharded('hf_safetensors/model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };

for (const withPool of [false, true]) {
  const how = withPool ? 'on kernel workers' : 'in this thread';
  test(`a served file against its local copy is equal, in a few range requests, ${how}`, async () => {
    const { report, used } = await compare({ kind: 'url', url: `${server.origin}/merged.pt` }, { kind: 'file', path: sharded('merged.pt') }, withPool);
    assert.equal(report.equal, true, report.summary);
    assert.equal(report.identical.length, Object.keys(weightMap.weight_map).length);
    assert.ok(used.length > 0 && allRanges(used), JSON.stringify(used));
    assert.ok(used.every((r) => r.uri === '/merged.pt'));
    // The zip's end records, directory and data.pkl, then the tensors: not a request per tensor.
    assert.ok(used.length <= 8, `${used.length} requests: ${JSON.stringify(used)}`);
  });

  test(`a served sharded set (its index URL) against a nudged local file: the moved tensors and their shards, ${how}`, async () => {
    const { report, used } = await compare({ kind: 'url', url: `${server.origin}/set/model.safetensors.index.json` }, { kind: 'file', path: sharded('nudged.pt') }, withPool);
    assert.deepEqual(report.changed.map((c) => [c.path, c.file]).sort(), [
      ['transformer.h.1.mlp.c_fc.weight', weightMap.weight_map['transformer.h.1.mlp.c_fc.weight']],
      ['transformer.h.2.attn.c_proj.weight', weightMap.weight_map['transformer.h.2.attn.c_proj.weight']],
    ]);
    const shards = new Set(Object.values(weightMap.weight_map));
    const index = used.filter((r) => r.uri === '/set/model.safetensors.index.json');
    assert.ok(index.length >= 1 && index.every((r) => r.status === 200 || r.status === 206), JSON.stringify(index));
    const rest = used.filter((r) => r.uri !== '/set/model.safetensors.index.json');
    assert.ok(rest.length > 0 && allRanges(rest), JSON.stringify(rest));
    assert.deepEqual(new Set(rest.map((r) => r.uri.slice('/set/'.length))), shards);
    // Per shard: its header, then its tensors' bytes.
    assert.ok(rest.length <= 4 * shards.size, `${rest.length} requests: ${JSON.stringify(rest)}`);
  });
}

test('the CLI compares a URL with a local file (exit 0 when equal, 1 when not)', () => {
  const cli = join(root, 'dist', 'cli.js');
  const same = spawnSync(process.execPath, [cli, 'compare', `${server.origin}/set/model.safetensors.index.json`, sharded('merged.pt'), '--json'], { encoding: 'utf8' });
  assert.equal(same.status, 0, same.stderr);
  assert.equal((JSON.parse(same.stdout) as CompareReport).equal, true);
  const moved = spawnSync(process.execPath, [cli, 'compare', sharded('nudged.pt'), `${server.origin}/merged.pt`, '--json'], { encoding: 'utf8' });
  assert.equal(moved.status, 1, moved.stderr);
  assert.equal((JSON.parse(moved.stdout) as CompareReport).changed.length, 2);
});
