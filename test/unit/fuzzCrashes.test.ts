// Every crash the fuzz suite found, kept as a fixture (test/fixtures/fuzz/make_fuzz_crashes.py)
// with the typed error the reader now gives for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CorruptError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { scanFileVerdict } from '../../src/core/security/scanFileVerdict';
import { inspectFile } from '../../src/core/session/inspectFile';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'fuzz');

test('a tensor at a negative storage offset is corrupt, not a read before the record (fuzz seed 20261202, case 1631)', async () => {
  const file = join(fixtures, 'negative_storage_offset.pt');
  await assert.rejects(inspectFile(file, { sha256: true }), (err: unknown) => err instanceof CorruptError && /storage offset -4294967295/.test(err.message));
  const scan = await scanFileVerdict(new BufferByteSource(readFileSync(file)));
  assert.deepEqual({ verdict: scan.verdict, error: scan.error }, { verdict: 'safe', error: undefined });
});
