// A file that fails part way still gets a verdict on the globals its pickles named before the
// failure: a broken file from a stranger can be a hostile one, and the error page says so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/session/inspectFile';
import { unpickle } from '../../src/core/pickle/unpickler';
import { errorInfo } from '../../src/extension/inspectorErrorInfo';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** `posix.system('echo')` as protocol 2 writes it, then a byte that is no opcode. */
const hostileThenGarbage = [0x80, 0x02, ...ascii('cposix\nsystem\n'), ...ascii('X'), 4, 0, 0, 0, ...ascii('echo'), 0x85, ...ascii('R'), 0xff];

function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  return promise.then(
    () => assert.fail('expected a CheckpointError'),
    (err: unknown) => {
      assert.ok(err instanceof CheckpointError, String(err));
      return err;
    },
  );
}

test('an unpickling error carries the globals named before it', () => {
  assert.throws(
    () => unpickle(Uint8Array.from(hostileThenGarbage), { resolveGlobal: () => undefined }),
    (err: unknown) => err instanceof CheckpointError && err.code === 'corrupt' && JSON.stringify(err.globals) === '["posix.system"]',
  );
});

test('a corrupt legacy file whose pickle calls posix.system is reported dangerous in its error', async () => {
  const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
  const protocol = [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];
  const sysInfo = [0x80, 0x02, 0x7d, 0x2e];
  const dir = mkdtempSync(join(tmpdir(), 'cpm-broken-'));
  try {
    const file = join(dir, 'evil.pt');
    writeFileSync(file, Uint8Array.from([...magic, ...protocol, ...sysInfo, ...hostileThenGarbage]));
    const err = await rejection(inspectFile(file));
    assert.equal(err.code, 'corrupt');
    const { security } = errorInfo(file, err, undefined);
    assert.equal(security?.verdict, 'dangerous');
    assert.deepEqual(security?.dangerous, ['posix.system']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torch zip with a missing record still says what its pickle named', async () => {
  const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'broken', 'missing_record.pt');
  const err = await rejection(inspectFile(file));
  assert.equal(err.code, 'missing-record');
  const { security } = errorInfo(file, err, undefined);
  assert.equal(security?.verdict, 'safe');
  assert.ok(security?.globals.includes('torch._utils._rebuild_tensor_v2'));
});
