// An export's checks of its source records on another core: the CRC-32 kernel run in a real
// worker thread against zlib's CRC of the same bytes, RecordChecks fed right and wrong CRCs, and
// whole exports whose worker finds a damaged record or whose source changes under the copy.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { DamagedRecordError } from '../../src/core/errors';
import type { ExportSource } from '../../src/core/export/exportCheckpoint';
import { exportCheckpoint } from '../../src/core/export/exportCheckpoint';
import type { PlannedTensor } from '../../src/core/export/exportPlan';
import type { RecordCrcs } from '../../src/core/export/recordChecks';
import { RecordChecks, SourceChangedError } from '../../src/core/export/recordChecks';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { shareBytes } from '../../src/core/io/sourceSpec';
import { KernelPool } from '../../src/core/parallel/kernelPool';
import type { TensorPlan } from '../../src/core/parallel/tensorPlan';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { exportFromSession } from '../../src/core/session/sessionExport';
import { planFor } from '../../src/core/session/tensorPlans';
import { uint8 } from '../../src/core/torch/dtypes';
import type { LoadedCheckpoint } from '../../src/core/torch/loadedCheckpoint';
import type { StorageRef } from '../../src/core/torch/tensorRef';
import { distinctTensors, walkTensors } from '../../src/core/torch/tensorWalk';
import { ZipArchive } from '../../src/core/zip/zipArchive';

const root = join(__dirname, '..', '..', '..');
const fixture = (p: string): string => join(root, 'test', 'fixtures', p);
const pool = new KernelPool({ size: 2, script: join(__dirname, '..', '..', 'src', 'core', 'parallel', 'kernelWorker.js') });

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-checks-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pool.dispose();
});

function storagesOf(ckpt: LoadedCheckpoint): StorageRef[] {
  return [...new Set(distinctTensors(walkTensors(ckpt.root)).map((t) => t.payload.storage))];
}

/** Each storage's record as a flat plan of bytes. */
async function recordPlans(ckpt: LoadedCheckpoint, path: string): Promise<TensorPlan[]> {
  const plans: TensorPlan[] = [];
  for (const storage of storagesOf(ckpt)) {
    const plan = await planFor(ckpt, { kind: 'file', path }, storage.key, { dtype: uint8, shape: [storage.nbytes], stride: [1], storageOffset: 0, storage, requiresGrad: false, parameter: false });
    assert.ok(plan, `${storage.key} is stored as it is`);
    plans.push(plan);
  }
  return plans;
}

/** The CRC-32s the records were written with, by storage key, from the zip's central directory. */
async function storedCrcs(path: string): Promise<Map<string, number>> {
  const source = await FileByteSource.open(path);
  try {
    const archive = await ZipArchive.open(source);
    return new Map(archive.entries.filter((e) => /\/data\/[^/]+$/.test(e.name)).map((e) => [e.name.slice(e.name.lastIndexOf('/') + 1), e.crc32]));
  } finally {
    await source.close();
  }
}

/** The storages no read has checked yet (opening a checkpoint reads a few scalars whole, which checks them). */
function unchecked(ckpt: LoadedCheckpoint): StorageRef[] {
  return storagesOf(ckpt).filter((s) => ckpt.integrity!.expected(s, 0, s.nbytes));
}

/** Runs `body` on a session of the checkpoint at `path`, closed after. */
async function withSession<T>(path: string, body: (session: CheckpointSession) => Promise<T>, options?: Parameters<typeof CheckpointSession.open>[1]): Promise<T> {
  const session = await CheckpointSession.open({ kind: 'file', path }, options);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** A session's checkpoint, its tensors as an export plans them, and the CRC-32s its records were written with. */
async function checkedParts(session: CheckpointSession, path: string): Promise<{ ckpt: LoadedCheckpoint; tensors: PlannedTensor[]; stored: Map<string, number> }> {
  return { ckpt: session.checkpoint, tensors: planned(session), stored: await storedCrcs(path) };
}

/** Tensors of a session as an export plans them (copied as they are). */
function planned(session: CheckpointSession): PlannedTensor[] {
  return session.tensors().map(({ tensor, path }) => ({ name: path, ref: tensor.payload, dtype: tensor.payload.dtype, shape: tensor.payload.shape, nbytes: 0 }));
}

test('the CRC-32 kernel gives zlib\'s CRC of each record: read from the file by blocking reads, or from bytes in memory', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  await withSession(path, async (session) => {
    const plans = await recordPlans(session.checkpoint, path);
    assert.ok(plans.length > 3);
    const bytes = readFileSync(path);
    const expected = plans.map((p) => crc32(bytes.subarray(p.storageStart, p.storageStart + p.tensor.storage.nbytes)) >>> 0);
    assert.deepEqual(await pool.run('crc32', { plans }), expected);
    const stored = await storedCrcs(path);
    assert.deepEqual(expected, plans.map((p) => stored.get(p.tensor.storage.key)), 'the records are whole: their CRCs are the stored ones');
    const inMemory = plans.map((p) => ({ ...p, source: { kind: 'memory' as const, name: 'ckpt.pt', bytes: shareBytes(bytes) } }));
    assert.deepEqual(await pool.run('crc32', { plans: inMemory }), expected);
  });
});

test('the CRC-32 kernel fails a range that runs past the end of its file as truncated, and the pool goes on', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  await withSession(path, async (session) => {
    const [plan] = await recordPlans(session.checkpoint, path);
    const past = { ...plan, storageStart: session.summary().size - 2 };
    await assert.rejects(pool.run('crc32', { plans: [past] }), { code: 'truncated' });
    assert.equal((await pool.run('crc32', { plans: [plan] })).length, 1);
  });
});

test('RecordChecks: records handed to a worker are read unchecked, pass on right CRCs and are then settled; without a worker they are checked on the way', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  await withSession(path, async (session) => {
    const { ckpt, tensors, stored } = await checkedParts(session, path);
    const handed = unchecked(ckpt);
    const asked: StorageRef[][] = [];
    const right: RecordCrcs = (storages) => {
      asked.push([...storages]);
      return storages.map((s) => Promise.resolve(stored.get(s.key)!));
    };
    const none = new RecordChecks(ckpt, tensors, () => undefined);
    await none.start([], new AbortController().signal);
    assert.ok(tensors.every((t) => none.mode(t.ref) === 'always'));
    const checks = new RecordChecks(ckpt, tensors, right);
    await checks.start([], new AbortController().signal);
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0], handed, 'each unchecked record once, however many tensors view it');
    assert.ok(handed.length > 3 && handed.length < storagesOf(ckpt).length);
    assert.ok(tensors.every((t) => checks.mode(t.ref) === (handed.includes(t.ref.storage) ? 'elsewhere' : 'always')));
    await checks.passed(tensors);
    checks.throwIfFailed();
    for (const s of handed) assert.equal(ckpt.integrity!.running(s, 0, s.nbytes), undefined, `${s.key} is settled as checked`);
    // Checked records are not handed out again.
    const again = new RecordChecks(ckpt, tensors, right);
    await again.start([], new AbortController().signal);
    assert.ok(tensors.every((t) => again.mode(t.ref) === 'always'));
    assert.equal(asked.length, 1);
  });
});

test('RecordChecks: a wrong CRC from the worker fails the records\' tensors with a DamagedRecordError naming them', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  await withSession(path, async (session) => {
    const { ckpt, tensors, stored } = await checkedParts(session, path);
    const victim = unchecked(ckpt)[0];
    const crcs: RecordCrcs = (storages) => storages.map((s) => Promise.resolve((stored.get(s.key)! ^ (s === victim ? 1 : 0)) >>> 0));
    const checks = new RecordChecks(ckpt, tensors, crcs);
    await checks.start([], new AbortController().signal);
    await checks.passed(tensors.filter((t) => t.ref.storage !== victim));
    await assert.rejects(checks.passed(tensors), (err: unknown) => {
      assert.ok(err instanceof DamagedRecordError);
      assert.equal(err.computedCrc, (stored.get(victim.key)! ^ 1) >>> 0);
      assert.deepEqual(err.tensors, tensors.filter((t) => t.ref.storage === victim).map((t) => t.name));
      return true;
    });
    assert.throws(() => checks.throwIfFailed(), DamagedRecordError);
    await assert.rejects(ckpt.integrity!.verify(victim), DamagedRecordError, 'later readers are told too');
  });
});

async function exportWith(path: string, crcs: RecordCrcs, output: string) {
  return withSession(path, (session) => exportCheckpoint({ checkpoint: session.checkpoint, path, size: session.summary().size, recordCrcs: crcs }, { output }));
}

function leftovers(): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.tmp'));
}

test('an export waits for the worker\'s verdict: a record the worker finds damaged stops it, and nothing is written', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  const right = await storedCrcs(path);
  const wrong: RecordCrcs = (storages) => storages.map((s) => new Promise((resolve) => setTimeout(() => resolve((right.get(s.key)! ^ 0x10) >>> 0), 20)));
  for (const output of [join(dir, 'worker-damaged.pt'), join(dir, 'worker-damaged.safetensors')]) {
    await assert.rejects(exportWith(path, wrong, output), DamagedRecordError);
    assert.equal(existsSync(output), false);
    assert.deepEqual(leftovers(), []);
  }
});

test('a damaged record the worker has already found stops the copy at its next chunk', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  const right = await storedCrcs(path);
  const wrong: RecordCrcs = (storages) => storages.map((s) => Promise.resolve((right.get(s.key)! ^ 0x10) >>> 0));
  const output = join(dir, 'stopped-early.safetensors');
  let copied = 0;
  await withSession(path, async (session) => {
    const source: ExportSource = { checkpoint: session.checkpoint, path, size: session.summary().size, recordCrcs: wrong };
    await assert.rejects(exportCheckpoint(source, { output, onProgress: (done) => (copied = done) }), DamagedRecordError);
  });
  assert.equal(copied, 0, 'no chunk was copied after the failure was known');
  assert.equal(existsSync(output), false);
});

test('an export\'s progress counts the worker\'s checks: with the copy done and the checks pending it is short of its total, which it reaches once they pass', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  const right = await storedCrcs(path);
  let handed = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // A liveness bound only (nothing is timed): a build whose total leaves the checks out never
  // releases them from the progress below, and the export must still end for the test to fail.
  const fallback = setTimeout(() => release(), 3000);
  let releasedAt = -1;
  const held: RecordCrcs = (storages) => {
    handed = storages.reduce((n, st) => n + st.nbytes, 0);
    return storages.map((st) => released.then(() => right.get(st.key)!));
  };
  const reports: Array<[done: number, total: number]> = [];
  const onProgress = (done: number, total: number): void => {
    reports.push([done, total]);
    // The copy is done (all of the total but the checks'): only now may the checks pass.
    if (releasedAt < 0 && done === total - handed) {
      releasedAt = reports.length;
      release();
    }
  };
  const output = join(dir, 'progress.safetensors');
  await withSession(path, (session) => exportCheckpoint({ checkpoint: session.checkpoint, path, size: session.summary().size, recordCrcs: held }, { output, onProgress }));
  clearTimeout(fallback);
  assert.ok(handed > 0, 'records were handed to the worker');
  assert.ok(releasedAt > 0, 'a report had the copy done and the checks still to come');
  const total = reports[0]![1];
  assert.ok(reports.every(([, t]) => t === total), 'one total throughout');
  assert.ok(reports.slice(0, releasedAt).every(([done]) => done < total), 'short of the total while the checks are pending');
  assert.ok(reports.every(([done], i) => i === 0 || done >= reports[i - 1]![0]), 'it never goes back');
  assert.deepEqual(reports.at(-1), [total, total], 'the total, once the checks have passed');
  assert.ok(existsSync(output));
});

test('a source that changes while a worker checks it stops the export: nothing is written', async () => {
  const path = join(dir, 'changing.pt');
  copyFileSync(fixture('workspace/out/ckpt.pt'), path);
  const output = join(dir, 'from-changing.safetensors');
  const right = await storedCrcs(path);
  const touching: RecordCrcs = (storages) =>
    storages.map(async (s) => {
      // Written to (its times move) after the export started.
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      return right.get(s.key)!;
    });
  await assert.rejects(exportWith(path, touching, output), SourceChangedError);
  assert.equal(existsSync(output), false);
  assert.deepEqual(leftovers(), []);
});

test('exports through a session with kernel workers: the worker checks the records, the file is the same as without it, and a damaged record still stops the export', async () => {
  const run = pool.run.bind(pool);
  const asked: string[] = [];
  pool.run = ((method, params, options) => {
    asked.push(method);
    return run(method, params, options);
  }) as typeof pool.run;
  try {
    for (const file of ['workspace/out/ckpt.pt', 'formats/views.pt']) {
      const outputs: Buffer[] = [];
      for (const withPool of [false, true]) {
        const folder = join(dir, withPool ? 'pooled' : 'inplace');
        mkdirSync(folder, { recursive: true });
        const output = join(folder, `${file.replace(/\W/g, '_')}.pt`);
        asked.length = 0;
        await withSession(fixture(file), async (session) => {
          assert.equal(session.recordCrcs() !== undefined, withPool);
          await exportFromSession(session, { output });
        }, withPool ? { pool, inPlaceBytes: 0 } : {});
        assert.deepEqual(asked, withPool ? ['crc32'] : [], `${file}: the records were checked by a worker only with one`);
        outputs.push(readFileSync(output));
      }
      assert.ok(outputs[0].equals(outputs[1]), `${file}: the same bytes`);
    }
  } finally {
    pool.run = run;
  }
  const output = join(dir, 'pooled-damaged.pt');
  await withSession(fixture('broken/damaged_tensor.pt'), (session) => assert.rejects(exportFromSession(session, { output }), DamagedRecordError), { pool, inPlaceBytes: 0 });
  assert.equal(existsSync(output), false);
  assert.deepEqual(leftovers(), []);
});
