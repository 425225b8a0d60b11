// Downloading the whole file from a server that ignores ranges: from Debian's nginx on loopback
// (its /noranges/ location), a 404, a body cut short by a small Node server, and a cancel. Only a
// complete file appears under the target's name.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downloadUrl } from '../../src/core/io/httpDownload';
import { RemoteSourceError } from '../../src/core/io/remoteSourceError';
import { startNginx } from './support/nginxServer';
import type { NginxServer } from './support/nginxServer';

let served: string;
let out: string;
let server: NginxServer;
const bytes = Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => (i * 7 + (i >> 10)) % 256);

before(async () => {
  served = mkdtempSync(join(tmpdir(), 'cpm-download-served-'));
  out = mkdtempSync(join(tmpdir(), 'cpm-download-out-'));
  writeFileSync(join(served, 'model.pt'), bytes);
  server = await startNginx(served);
});

after(async () => {
  await server.stop();
  rmSync(served, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

test('the whole file is streamed to the target, with progress up to its size', async () => {
  const target = join(out, 'model.pt');
  const seen: Array<[number, number | undefined]> = [];
  const n = await downloadUrl(`${server.origin}/noranges/model.pt`, target, { onProgress: (done, total) => seen.push([done, total]) });
  assert.equal(n, bytes.length);
  assert.deepEqual(new Uint8Array(readFileSync(target)), bytes);
  assert.ok(seen.length > 1);
  assert.deepEqual(seen.at(-1), [bytes.length, bytes.length]);
  assert.ok(seen.every(([done], i) => i === 0 || done > seen[i - 1]![0]));
  // One plain GET, no Range asked.
  assert.equal(server.requests().at(-1)?.range, '');
});

test('a 404 is a status error and leaves nothing behind', async () => {
  const target = join(out, 'missing.pt');
  await assert.rejects(downloadUrl(`${server.origin}/noranges/missing.pt`, target), (err: unknown) => err instanceof RemoteSourceError && err.code === 'status' && err.status === 404);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('missing')), []);
});

test('a body cut short is a network error, and a cancel stops it: no file under the name either way', async () => {
  const cutter = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': String(bytes.length) });
    res.write(bytes.subarray(0, 1000), () => res.destroy());
  });
  await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
  try {
    const target = join(out, 'cut.pt');
    await assert.rejects(downloadUrl(`http://127.0.0.1:${(cutter.address() as AddressInfo).port}/cut.pt`, target), (err: unknown) => err instanceof RemoteSourceError && err.code === 'network');
    const controller = new AbortController();
    const cancelled = join(out, 'cancelled.pt');
    await assert.rejects(
      downloadUrl(`${server.origin}/noranges/model.pt`, cancelled, { signal: controller.signal, onProgress: () => controller.abort() }),
      (err: unknown) => err instanceof Error && err.name === 'AbortError',
    );
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('cut') || f.startsWith('cancelled')), []);
  } finally {
    cutter.close();
  }
});
