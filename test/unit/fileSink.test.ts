// The export's file sink syncs in the background as it writes, one sync at a time, and a failed
// sync is never lost: the next write or the final settle throws it. A handle stand-in records the
// calls; every check waits on promises the test resolves itself, never on time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileSink, type SinkHandle } from '../../src/core/export/fileSink';

interface Recorder {
  handle: SinkHandle;
  syncs: number;
  /** Ends the sync in progress, or fails it with `error`. */
  finish(error?: Error): void;
  written: number;
}

function recorder(): Recorder {
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const r: Recorder = {
    syncs: 0,
    written: 0,
    finish(error) {
      const p = pending.shift();
      assert.ok(p, 'a sync is in progress');
      if (error) p.reject(error);
      else p.resolve();
    },
    handle: {
      write: (async (buffer: Uint8Array, offset = 0, length = buffer.length - offset) => {
        r.written += length;
        return { bytesWritten: length, buffer };
      }) as SinkHandle['write'],
      datasync: () => {
        r.syncs++;
        return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      },
    },
  };
  return r;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a sync starts once every syncEvery bytes, never two at once, and settle waits for it', async () => {
  const r = recorder();
  const sink = new FileSink(r.handle, 100);
  await sink.write(new Uint8Array(60));
  assert.equal(r.syncs, 0, 'not before syncEvery bytes');
  await sink.write(new Uint8Array(60));
  assert.equal(r.syncs, 1, 'started at 120 bytes');
  await sink.write(new Uint8Array(200));
  assert.equal(r.syncs, 1, 'a second sync waits for the first to end');
  let settled = false;
  const done = sink.settled().then(() => (settled = true));
  await turn();
  assert.equal(settled, false, 'settle waits for the running sync');
  r.finish();
  await done;
  assert.equal(settled, true);
  await sink.write(new Uint8Array(100));
  assert.equal(r.syncs, 2, 'the next sync starts once the first has ended');
  r.finish();
  await sink.settled();
  assert.equal(r.written, 420);
});

test('a failed background sync is thrown by the next write, and by settle', async () => {
  const r = recorder();
  const sink = new FileSink(r.handle, 10);
  await sink.write(new Uint8Array(10));
  r.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  await turn();
  await assert.rejects(sink.write(new Uint8Array(1)), /EIO/);
  await assert.rejects(sink.settled(), /EIO/);
});

test('with nothing past syncEvery, no sync runs and settle returns at once', async () => {
  const r = recorder();
  const sink = new FileSink(r.handle);
  await sink.write(new Uint8Array(1000));
  await sink.settled();
  assert.equal(r.syncs, 0);
});
