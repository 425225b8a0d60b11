// A DCP folder served by Debian's nginx on loopback: opened through its .metadata URL, each
// chunk's archive and bytes read by range requests from the .distcp URLs beside it; the tensors
// are torch's truth, and a .distcp the server lacks is an error naming it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/session/inspectFile';
import { startNginx } from './support/nginxServer';
import type { NginxServer } from './support/nginxServer';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp');
let server: NginxServer | undefined;
let scratch = '';

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cpm-dcp-http-'));
  cpSync(join(dir, 'two_ranks'), join(scratch, 'two_ranks'), { recursive: true });
  cpSync(join(dir, 'broken', 'missing_file'), join(scratch, 'missing_file'), { recursive: true });
  server = await startNginx(scratch);
});
after(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('a DCP folder over HTTP: the tensors torch assembles, read by range requests', async () => {
  const truth = await inspectFile(join(dir, 'truth', 'two_ranks.pt'), { sha256: true, sidecars: false });
  const report = await inspectFile(`${server!.origin}/two_ranks/.metadata`, { sha256: true });
  const rows = (r: typeof report) => r.tensors.map((t) => [t.path, t.dtype, t.shape, t.sha256]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.deepEqual(rows(report), rows(truth));
  const uris = new Set(server!.requests().map((r) => r.uri));
  assert.deepEqual([...uris].sort(), ['/two_ranks/.metadata', '/two_ranks/__0_0.distcp', '/two_ranks/__1_0.distcp']);
});

test('a .distcp the server lacks is an error naming it', async () => {
  await assert.rejects(inspectFile(`${server!.origin}/missing_file/.metadata`), (err: unknown) => err instanceof CheckpointError && /__1_0\.distcp is missing: \.metadata puts "w_rows" there/.test(err.message));
});
