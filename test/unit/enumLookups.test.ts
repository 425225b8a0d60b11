// builtins.getattr in a DCP .metadata: cleared only when the pickle uses it for nothing but
// Enum member lookups on DCP's memory-format enum, and names nothing beyond the DCP allowlist.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { unpickle } from '../../src/core/pickle/unpickler';
import { checkpointVerdict } from '../../src/core/security/checkpointVerdict';
import { FileByteSource } from '../../src/core/io/fileByteSource';
import { scanFileVerdict } from '../../src/core/security/scanFileVerdict';
import type { CallLog } from '../../src/core/values/callLog';
import { PyGlobal, PyObject } from '../../src/core/values/pyValue';

const ENUM = 'torch.distributed._shard.sharded_tensor.metadata.MEM_FORMAT_ENCODING';
const METADATA = 'torch.distributed._shard.checkpoint.metadata.Metadata';
const getattr = new PyGlobal('builtins', 'getattr');
const lookup = (cls: PyGlobal, member: string) => new PyObject(getattr, [cls, member], 'reduce');
const log = (...records: PyObject[]): CallLog => ({ records, omitted: new Map() });
const enumClass = new PyGlobal('torch.distributed._shard.sharded_tensor.metadata', 'MEM_FORMAT_ENCODING');

test('a .metadata written by torch 1.13 is safe, its getattr still listed among its globals', () => {
  const bytes = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp', 'two_ranks', '.metadata'));
  const r = unpickle(bytes, { resolveGlobal: () => undefined });
  assert.ok(r.globals.includes('builtins.getattr'));
  const v = checkpointVerdict(r.globals, r.calls);
  assert.equal(v.verdict, 'safe');
  assert.ok(v.globals.includes('builtins.getattr'));
  assert.equal(v.calls, undefined);
});

test('the scan of a .metadata file alone is safe too', async () => {
  const source = await FileByteSource.open(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dcp', 'two_ranks', '.metadata'));
  try {
    assert.equal((await scanFileVerdict(source)).verdict, 'safe');
  } finally {
    await source.close();
  }
});

test('getattr stays dangerous for any other use', () => {
  const globals = [METADATA, 'builtins.getattr', ENUM];
  assert.equal(checkpointVerdict(globals, log(lookup(enumClass, 'TORCH_CONTIGUOUS_FORMAT'))).verdict, 'safe');
  // A member the enum does not have, another class, a third argument, a computed call.
  assert.equal(checkpointVerdict(globals, log(lookup(enumClass, '__class__'))).verdict, 'dangerous');
  assert.equal(checkpointVerdict([...globals, 'torch.Size'], log(lookup(new PyGlobal('torch', 'Size'), 'TORCH_CONTIGUOUS_FORMAT'))).verdict, 'dangerous');
  assert.equal(checkpointVerdict(globals, log(new PyObject(getattr, [enumClass, 'TORCH_CHANNELS_LAST', null], 'reduce'))).verdict, 'dangerous');
  const dynamic = new PyObject(new PyGlobal('<dynamic>', 'call'), [], 'reduce');
  dynamic.callee = lookup(enumClass, 'TORCH_CHANNELS_LAST');
  assert.equal(checkpointVerdict(globals, log(lookup(enumClass, 'TORCH_CHANNELS_LAST'), dynamic)).verdict, 'dangerous');
  // Beside a global outside the allowlist: _rebuild_from_type_v2 calls its first argument.
  assert.equal(checkpointVerdict([...globals, 'torch._tensor._rebuild_from_type_v2'], log(lookup(enumClass, 'TORCH_CONTIGUOUS_FORMAT'))).verdict, 'dangerous');
  assert.equal(checkpointVerdict([...globals, 'posix.system'], log(lookup(enumClass, 'TORCH_CONTIGUOUS_FORMAT'))).verdict, 'dangerous');
  // Lookups left out of the log could be anything.
  assert.equal(checkpointVerdict(globals, { records: [], omitted: new Map([['builtins.getattr', 1]]) }).verdict, 'dangerous');
});
