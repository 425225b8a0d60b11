// CRC-32 checks of tensor records: found whenever bytes are read, memoised per record, never made
// when a file is only described. Fixtures: torch-written files, two of them damaged after writing
// (test/fixtures/build_damaged.py); the reads are counted through the byte source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DamagedRecordError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/session/inspectFile';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import type { ByteSource } from '../../src/core/io/byteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { openCheckpoint } from '../../src/core/checkpoint/openCheckpoint';
import type { CrcCheck } from '../../src/core/torch/tensorBytes';
import { tensorChunks, tensorSha256 } from '../../src/core/torch/tensorBytes';
import { distinctTensors, walkTensors } from '../../src/core/torch/tensorWalk';
import { RecordCrc } from '../../src/core/zip/recordCrc';
import { ZipArchive } from '../../src/core/zip/zipArchive';
import type { ZipEntry } from '../../src/core/zip/zipArchive';

const fixture = (p: string): string => join(__dirname, '..', '..', '..', 'test', 'fixtures', p);

/** A byte source that remembers every range read from it. */
class CountingSource implements ByteSource {
  readonly reads: Array<[number, number]> = [];
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push([offset, offset + length]);
    return this.inner.read(offset, length);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  forget(): void {
    this.reads.length = 0;
  }
  /** Bytes read inside [start, end), counting a byte again each time it is read. */
  bytesIn(start: number, end: number): number {
    return this.reads.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0);
  }
}

async function dataRecords(archive: ZipArchive): Promise<Array<{ entry: ZipEntry; start: number; end: number }>> {
  const data = archive.entries.filter((e) => /\/data\/\d+$/.test(e.name));
  return Promise.all(data.map(async (entry) => ({ entry, start: await archive.dataOffset(entry), end: (await archive.dataOffset(entry)) + entry.compressedSize })));
}

function memorySource(path: string): CountingSource {
  return new CountingSource(new BufferByteSource(new Uint8Array(readFileSync(path))));
}

/**
 * The FileByteSource reads inside `run` (inspectFile opens its own source), less the two that
 * find the format: the first bytes, and the end-record search through the last 64 KiB, which in
 * files this small is all of them.
 */
async function fileReads(run: () => Promise<unknown>): Promise<Array<[number, number]>> {
  const reads: Array<[number, number]> = [];
  const original = FileByteSource.prototype.read;
  FileByteSource.prototype.read = function (this: FileByteSource, offset: number, length: number) {
    const sniffing = (offset === 0 && length <= 512) || (offset + length === this.size && length >= Math.min(this.size, 0xffff));
    if (!sniffing) reads.push([offset, offset + length]);
    return original.call(this, offset, length);
  };
  try {
    await run();
  } finally {
    FileByteSource.prototype.read = original;
  }
  return reads;
}

const overlap = (reads: Array<[number, number]>, start: number, end: number): number =>
  reads.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0);

test('describing a file reads no tensor record, so a damaged one goes unnoticed and costs nothing', async () => {
  const path = fixture('broken/damaged_tensor.pt');
  const reads = await fileReads(() => inspectFile(path));
  const records = await dataRecords(await ZipArchive.open(new BufferByteSource(new Uint8Array(readFileSync(path)))));
  assert.ok(records.length > 10);
  assert.deepEqual(records.filter((r) => overlap(reads, r.start, r.end) > 0).map((r) => r.entry.name), []);
});

test('describing nanoGPT reads only 4-byte scalar records (best_val_loss, the optimizer step), each whole', async () => {
  const path = fixture('workspace/out/ckpt.pt');
  const reads = await fileReads(() => inspectFile(path));
  const records = await dataRecords(await ZipArchive.open(new BufferByteSource(new Uint8Array(readFileSync(path)))));
  const touched = records.filter((r) => overlap(reads, r.start, r.end) > 0);
  // The metric and the optimizer's `step` (a 0-d tensor in torch >= 1.12): read whole, so checked on those bytes.
  assert.deepEqual(touched.map((r) => [r.entry.uncompressedSize, overlap(reads, r.start, r.end)]), [[4, 4], [4, 4]]);
});

test('hashing reads each record once: tensors that cover their record are checked on the bytes hashed', async () => {
  const source = memorySource(fixture('nanochat/base_checkpoints/d4/model_000300.pt'));
  const records = await dataRecords(await ZipArchive.open(source));
  const ckpt = await openCheckpoint(source);
  source.forget(); // opening reads the file's tail, which here is all of it
  for (const t of distinctTensors(walkTensors(ckpt.root))) await tensorSha256(ckpt, t.payload);
  assert.deepEqual(records.map((r) => source.bytesIn(r.start, r.end)), records.map((r) => r.entry.uncompressedSize));
});

test('a damaged record read whole by its tensor fails when the last chunk is read', async () => {
  const ckpt = await openCheckpoint(memorySource(fixture('broken/damaged_tensor.pt')));
  const target = walkTensors(ckpt.root).find((o) => o.path === 'transformer.h.0.attn.c_q.weight');
  assert.ok(target);
  await assert.rejects(tensorSha256(ckpt, target.tensor.payload), (err: unknown) => err instanceof DamagedRecordError && err.record === 'damaged_tensor/data/1' && err.tensors.length === 0);
  // Its neighbours are intact.
  const other = walkTensors(ckpt.root).find((o) => o.path === 'transformer.h.0.attn.c_k.weight');
  assert.match(await tensorSha256(ckpt, (other ?? assert.fail()).tensor.payload), /^[0-9a-f]{64}$/);
});

test('a read told the record is checked elsewhere checks nothing: the damaged record streams out, as a worker checks it beside', async () => {
  const ckpt = await openCheckpoint(memorySource(fixture('broken/damaged_tensor.pt')));
  const target = walkTensors(ckpt.root).find((o) => o.path === 'transformer.h.0.attn.c_q.weight');
  assert.ok(target);
  const read = async (crc: CrcCheck): Promise<number> => {
    let bytes = 0;
    for await (const chunk of tensorChunks(ckpt, target.tensor.payload, undefined, crc)) bytes += chunk.length;
    return bytes;
  };
  assert.equal(await read('elsewhere'), target.tensor.payload.storage.nbytes);
  await assert.rejects(read('when-free'), DamagedRecordError);
});

test('a view that covers part of a shared record has the whole record checked first, however far the damage is', async () => {
  const source = memorySource(fixture('broken/damaged_shared.pt'));
  const ckpt = await openCheckpoint(source);
  const [q] = walkTensors(ckpt.root);
  assert.equal(q.path, 'attn.q_proj.weight');
  await assert.rejects(tensorSha256(ckpt, q.tensor.payload), DamagedRecordError);
  // The failure is kept: the next view's read fails at once, without streaming the record again.
  const [record] = await dataRecords(await ZipArchive.open(source));
  const before = source.bytesIn(record.start, record.end);
  const v = walkTensors(ckpt.root)[2];
  await assert.rejects(tensorSha256(ckpt, v.tensor.payload), DamagedRecordError);
  assert.equal(source.bytesIn(record.start, record.end), before);
});

test('RecordCrc: verify streams a record once; a record checked on the way needs no second pass', async () => {
  const source = memorySource(fixture('formats/views.pt'));
  const archive = await ZipArchive.open(source);
  const [base] = await dataRecords(archive);
  source.forget();
  const crc = new RecordCrc(archive);
  await crc.verify(base.entry);
  await crc.verify(base.entry);
  assert.equal(source.bytesIn(base.start, base.end), base.entry.uncompressedSize);
  assert.equal(crc.running(base.entry, 0, base.entry.uncompressedSize), undefined, 'already checked');

  const fresh = new RecordCrc(archive);
  assert.equal(fresh.running(base.entry, 4, base.entry.uncompressedSize - 4), undefined, 'not the whole record');
  const running = fresh.running(base.entry, 0, base.entry.uncompressedSize);
  assert.ok(running);
  running.update(await archive.readStored(base.entry, 0, base.entry.uncompressedSize));
  running.finish();
  const read = source.bytesIn(base.start, base.end);
  await fresh.verify(base.entry);
  assert.equal(source.bytesIn(base.start, base.end), read, 'verify after a running check reads nothing');
});

test('RecordCrc: a cancelled check is forgotten, so the next reader checks again', async () => {
  const archive = await ZipArchive.open(memorySource(fixture('broken/damaged_shared.pt')));
  const [record] = await dataRecords(archive);
  const crc = new RecordCrc(archive);
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(crc.verify(record.entry, controller.signal), /stop/);
  await assert.rejects(crc.verify(record.entry), DamagedRecordError);
});

test('safetensors and legacy files carry no checksums: reading them checks nothing and never fails for it', async () => {
  for (const name of ['formats/safetensors/model.safetensors', 'formats/legacy.pt']) {
    const ckpt = await openCheckpoint(memorySource(fixture(name)));
    assert.equal(ckpt.integrity, undefined, name);
  }
});
