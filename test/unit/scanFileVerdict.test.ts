// The cheap scan (pickles only) gives every fixture the verdict, globals and calls the full reader
// gives it and that the fixture builders recorded (test/fixtures/expected.json); broken files come
// back with their error instead of throwing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { scanFileVerdict } from '../../src/core/security/scanFileVerdict';
import { ZipArchive } from '../../src/core/zip/zipArchive';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');

interface Expected {
  security?: { verdict: string; globals: string[]; calls?: string[] };
  error?: string;
}
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { files: Record<string, Expected> };

async function scan(name: string): ReturnType<typeof scanFileVerdict> {
  return scanFileVerdict(new BufferByteSource(readFileSync(join(fixtures, name))));
}

for (const [name, want] of Object.entries(expected.files)) {
  if (!want.security) continue;
  test(`scan ${name}: ${want.security.verdict}`, async () => {
    const got = await scan(name);
    assert.equal(got.verdict, want.security!.verdict);
    assert.deepEqual([...got.globals].sort(), [...want.security!.globals].sort());
    if (want.security!.calls) assert.deepEqual(got.calls, want.security!.calls);
  });
}

test('a broken file gives its error, not an exception', async () => {
  const got = await scan('broken/truncated.pt');
  assert.deepEqual({ verdict: got.verdict, code: got.error?.code }, { verdict: 'safe', code: 'truncated' });
  assert.equal((await scan('broken/lfs_pointer.pt')).error?.code, 'lfs-pointer');
  assert.equal((await scan('broken/not_a_checkpoint.pt')).error?.code, 'not-checkpoint');
});

test('a safetensors file has no pickle: safe, nothing read but the head', async () => {
  const got = await scan('formats/safetensors/model.safetensors');
  assert.deepEqual({ verdict: got.verdict, globals: got.globals, format: got.format, pickles: got.pickles }, { verdict: 'safe', globals: [], format: 'safetensors', pickles: [] });
});

test('a torch file is judged on its pickle alone: no storage record is read', async () => {
  const bytes = readFileSync(join(fixtures, 'workspace/out/ckpt.pt'));
  const source = new BufferByteSource(bytes);
  const archive = await ZipArchive.open(source);
  const records = await Promise.all(
    archive.entries.filter((e) => e.name.includes('/data/')).map(async (e) => [await archive.dataOffset(e), e.compressedSize] as const),
  );
  assert.ok(records.length > 5);
  const reads: Array<[number, number]> = [];
  const counting = { size: source.size, read: (o: number, n: number) => (reads.push([o, n]), source.read(o, n)), close: () => source.close() };
  assert.equal((await scanFileVerdict(counting)).verdict, 'safe');
  // The search for the end record reads the file's last 64 KiB whole; every other read misses the records.
  const inside = reads.filter(([o, n]) => o + n !== bytes.length && records.some(([start, size]) => o < start + size && start < o + n));
  assert.deepEqual(inside, []);
});
