// When a streamed write waits for the disk: a new target is renamed into place without a flush
// (as cp leaves its data for the kernel to write), a replaced target's temp file is flushed before
// the rename (the old file must survive a power loss), and `sync` flushes always. A stand-in
// open wraps the real handle and records each flush and what `path` held at that moment.
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { writeStreamAtomic } from '../../src/core/io/atomicWrite';

interface Flushes {
  /** What the target held at each sync or datasync ('' when it did not exist). */
  seen: string[];
  durable: boolean[];
  open: (path: string, flags: string) => Promise<FileHandle>;
}

function counting(target: string): Flushes {
  const f: Flushes = {
    seen: [],
    durable: [],
    open: async (path, flags) => {
      const real = await open(path, flags);
      const flush = (name: 'sync' | 'datasync') => async () => {
        f.seen.push(await readFile(target, 'utf8').catch(() => ''));
        return real[name]();
      };
      return new Proxy(real, {
        get(h, prop) {
          if (prop === 'sync' || prop === 'datasync') return flush(prop);
          const v = Reflect.get(h, prop, h) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(h) : v;
        },
      });
    },
  };
  return f;
}

/** Whether writeStreamAtomic says it flushed the file. */
async function write(target: string, f: Flushes, options: { replace: boolean; sync?: boolean }): Promise<boolean> {
  return writeStreamAtomic(
    target,
    async (handle, durable) => {
      f.durable.push(durable);
      await handle.write(new TextEncoder().encode('new'));
    },
    { ...options, open: f.open },
  );
}

/** A target path in a fresh folder, removed after the test. */
async function targetIn(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cm-durability-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'model.pt');
}

test('a new target is renamed into place without waiting for the disk', async (t) => {
  const target = await targetIn(t);
  const f = counting(target);
  assert.equal(await write(target, f, { replace: false }), false);
  assert.deepEqual(f.seen, [], 'no sync or datasync');
  assert.deepEqual(f.durable, [false]);
  assert.equal(await readFile(target, 'utf8'), 'new');
});

test('--force with no file there is a new target: no flush either', async (t) => {
  const target = await targetIn(t);
  const f = counting(target);
  assert.equal(await write(target, f, { replace: true }), false);
  assert.deepEqual(f.seen, []);
  assert.equal(await readFile(target, 'utf8'), 'new');
});

test('a replaced target: the temp file is flushed while the old file is still in place', async (t) => {
  const target = await targetIn(t);
  await writeFile(target, 'old');
  const f = counting(target);
  assert.equal(await write(target, f, { replace: true }), true);
  assert.deepEqual(f.seen, ['old'], 'one flush, before the rename');
  assert.deepEqual(f.durable, [true], 'the writer is told, so it can flush as it goes');
  assert.equal(await readFile(target, 'utf8'), 'new');
});

test('sync: true flushes a new target before the rename', async (t) => {
  const target = await targetIn(t);
  const f = counting(target);
  assert.equal(await write(target, f, { replace: false, sync: true }), true);
  assert.deepEqual(f.seen, [''], 'flushed before the target existed');
  assert.deepEqual(f.durable, [true]);
  assert.equal(await readFile(target, 'utf8'), 'new');
});
