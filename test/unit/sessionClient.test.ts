// The session worker, for real: a worker thread running the compiled sessionWorker.js, opened
// through SessionClient as the extension does; its answers against the in-process session.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { shareBytes } from '../../src/core/io/sourceSpec';
import { RpcError } from '../../src/core/rpc/rpcEndpoint';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { SessionClient } from '../../src/core/session/sessionClient';
import type { SessionErrorDetail } from '../../src/core/session/sessionProtocol';
import { statsDir } from './support/statsExpected';

const out = join(__dirname, '..', '..', 'src', 'core');
const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const options = { script: join(out, 'session', 'sessionWorker.js'), kernelScript: join(out, 'parallel', 'kernelWorker.js'), idleMs: 0, inPlaceBytes: 0 };
const client = new SessionClient(options);
const processClient = new SessionClient({ ...options, kind: 'process' });
after(() => Promise.all([client.dispose(), processClient.dispose()]));

const file = (rel: string) => ({ kind: 'file' as const, path: join(fixtures, rel) });

/** Waits at most `turns` turns of 20 ms until `done` holds; the caller asserts it after. */
async function turnsUntil(done: () => boolean, turns = 250): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

test('a session in the worker answers as one in this thread does', async () => {
  const spec = { kind: 'file' as const, path: join(statsDir, 'dtypes.pt') };
  const local = await CheckpointSession.open(spec);
  const remote = await client.openSession(spec);
  try {
    assert.deepEqual(remote.report, local.summary());
    assert.deepEqual(await remote.stats('f32'), await local.stats('f32'));
    assert.deepEqual(await remote.scanNonFinite(), await local.scanNonFinite());
    const progress: number[] = [];
    const hashed = await remote.summaryWithHashes({ onProgress: (done) => progress.push(done) });
    assert.deepEqual(hashed, await local.summaryWithHashes());
    assert.ok(progress.length > 0);
  } finally {
    await remote.close();
    await local.close();
  }
});

test('the worker stops once its last session closes, and starts again for the next', async () => {
  const a = await client.openSession(file('formats/views.pt'));
  const b = await client.openSession(file('formats/dtypes.pt'));
  assert.equal(client.sessions, 2);
  await a.close();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(client.active, 'one session is still open');
  await b.close();
  await new Promise((r) => setTimeout(r, 50));
  await turnsUntil(() => !client.active, 100);
  assert.equal(client.active, false);
  const c = await client.openSession(file('formats/views.pt'));
  assert.ok(c.report.tensors.length > 0);
  await c.close();
});

test('a broken file fails with its code, its sentence and the verdict on what its pickles named', async () => {
  await assert.rejects(client.openSession(file('broken/truncated.pt')), (err: unknown) => err instanceof RpcError && err.code === 'truncated' && err.message.length > 0);
  await assert.rejects(client.openSession(file('no-such-file.pt')), (err: unknown) => err instanceof RpcError && err.code === 'ENOENT');
  await assert.rejects(client.openSession(file('broken/damaged_tensor.pt')).then((s) => s.summaryWithHashes().finally(() => s.close())), (err: unknown) => {
    const detail = (err as RpcError).data as SessionErrorDetail | undefined;
    return err instanceof RpcError && err.code === 'corrupt' && !!detail?.damage && detail.damage.tensors.length > 0;
  });
  assert.equal(client.sessions, 0);
});

test('a request cancelled by its signal rejects as aborted', async () => {
  const s = await client.openSession({ kind: 'file', path: join(statsDir, 'dtypes.pt') });
  try {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(s.stats('f32', { signal: controller.signal }), (err: Error) => err.name === 'AbortError');
    // The session goes on after it.
    assert.equal((await s.stats('f32')).count > 0, true);
  } finally {
    await s.close();
  }
});

test('in a child process too: the same answers, memory sources copied across, and the process gone after the last close', async () => {
  const spec = { kind: 'file' as const, path: join(statsDir, 'dtypes.pt') };
  const local = await CheckpointSession.open(spec);
  const remote = await processClient.openSession(spec);
  const bytes = new Uint8Array(readFileSync(join(fixtures, 'formats', 'views.pt')));
  const inMemory = await processClient.openSession({ kind: 'memory', name: 'views.pt', bytes: shareBytes(bytes) });
  try {
    assert.deepEqual(remote.report, local.summary());
    assert.deepEqual(await remote.stats('bf16'), await local.stats('bf16'));
    assert.deepEqual((await inMemory.summaryWithHashes()).tensors.map((t) => t.sha256).filter(Boolean).length > 0, true);
  } finally {
    await remote.close();
    await inMemory.close();
    await local.close();
  }
  await turnsUntil(() => !processClient.active, 100);
  assert.equal(processClient.active, false);
});

test('a spare worker waits ready, serves the next open, and a fresh spare takes the place of one that served', async () => {
  const spared = new SessionClient({ ...options, kind: 'process', spareMs: 60_000 });
  try {
    spared.prestart();
    assert.equal(spared.active, true);
    assert.equal(spared.spare, true);
    spared.prestart(); // one spare at a time
    const session = await spared.openSession(file('formats/views.pt'));
    assert.equal(spared.spare, false, 'the worker that serves a session is no spare');
    assert.ok(session.report.tensors.length > 0);
    assert.ok(Number.isInteger(session.openMs) && session.openMs >= 0, `the worker timed its parse (${session.openMs} ms)`);
    await session.close();
    // The worker that parsed goes (idleMs 0), and a fresh one, which has served nothing, waits.
    await turnsUntil(() => spared.spare);
    assert.equal(spared.active, true);
    assert.equal(spared.spare, true);
    const next = await spared.openSession(file('formats/dtypes.pt'));
    assert.ok(next.report.tensors.length > 0);
    await next.close();
  } finally {
    await spared.dispose();
  }
  assert.equal(spared.active, false, 'disposing stops the spare and starts none');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(spared.active, false);
});

test('a spare nobody asks for stops after spareMs; without spareMs, prestart starts nothing', async () => {
  const spared = new SessionClient({ ...options, spareMs: 30 });
  try {
    spared.prestart();
    assert.equal(spared.spare, true);
    await turnsUntil(() => !spared.active);
    assert.equal(spared.active, false);
  } finally {
    await spared.dispose();
  }
  const plain = new SessionClient(options);
  plain.prestart();
  assert.equal(plain.active, false);
  await plain.dispose();
});
