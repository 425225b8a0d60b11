// The security scan against every trick scanners have been bypassed with (issue 12): one fixture
// per trick (test/fixtures/tricks/make_tricks.py), each with the verdict it deserves, the globals or
// reached names that make it so, and the calls loading would make, with their inert arguments.
// Both the cheap scan (pickles only) and the full reader must see it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { checkpointVerdict } from '../../src/core/security/checkpointVerdict';
import { DANGEROUS_GLOBALS } from '../../src/core/security/dangerousGlobals';
import { scanFileVerdict } from '../../src/core/security/scanFileVerdict';
import type { SecurityReport } from '../../src/core/security/securityReport';
import { isDangerousGlobal } from '../../src/core/security/verdict';
import { inspectFile } from '../../src/core/session/inspectFile';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const tricks = join(fixtures, 'tricks');

interface Trick {
  verdict: string;
  dangerous: string[];
  calls: string[];
  reached?: string[];
  pickles?: number;
  nested?: number;
  textOpcodes?: boolean;
}
const expected = JSON.parse(readFileSync(join(tricks, 'expected.json'), 'utf8')) as { files: Record<string, Trick> };

/** The full reader's verdict: from the report, or from the error of a file it refuses. */
async function fullVerdict(file: string): Promise<SecurityReport> {
  try {
    return (await inspectFile(file, { sidecars: false })).security;
  } catch (err) {
    assert.ok(err instanceof CheckpointError, String(err));
    return checkpointVerdict(err.globals ?? [], err.calls);
  }
}

test('the trick table covers every construct the issue names', () => {
  const names = Object.keys(expected.files).join(' ');
  for (const part of ['global_reduce', 'stack_global', 'inst_', 'obj_', 'newobj_p', 'newobj_ex', 'build_setstate', 'memo_mixed', 'nested_pickle_loads', 'nested_torch_load', 'getattr_import_module', 'attrgetter', 'py2_', 'appended_after_stop', 'second_folder', 'callable_torch_utils_collect_env_run', 'callable_mailcap', 'callable_pip', 'callable_runpy', 'callable_code', 'callable_pdb', 'callable_timeit']) {
    assert.ok(names.includes(part), `no fixture for ${part}`);
  }
  assert.ok(Object.values(expected.files).some((t) => t.textOpcodes), 'no protocol 0 fixture');
});

for (const [name, want] of Object.entries(expected.files)) {
  test(`trick ${name}: ${want.verdict}, naming ${want.dangerous.join(', ')}`, async () => {
    const file = join(tricks, name);
    const scan = await scanFileVerdict(new BufferByteSource(readFileSync(file)));
    assert.equal(scan.error, undefined);
    assert.equal(scan.verdict, want.verdict);
    assert.deepEqual(want.dangerous.filter((g) => !scan.dangerous.includes(g)), [], `dangerous: ${scan.dangerous.join(', ')}`);
    assert.deepEqual(want.calls.filter((c) => !(scan.calls ?? []).includes(c)), [], `calls: ${(scan.calls ?? []).join(' | ')}`);
    if (want.reached) assert.deepEqual(scan.reached, want.reached);
    if (want.pickles) assert.equal(scan.pickles.length, want.pickles);
    if (want.nested) assert.equal(scan.nested, want.nested);

    // The full reader: the same verdict; the calls it records itself (nested pickles are the scan's).
    const full = await fullVerdict(file);
    assert.equal(full.verdict, want.verdict);
    if (!want.nested) assert.deepEqual(want.calls.filter((c) => !(full.calls ?? []).includes(c)), [], `full reader's calls: ${(full.calls ?? []).join(' | ')}`);
  });
}

test('a TorchScript archive: its __torch__ classes make it suspicious, and the scan names its code/ folder', async () => {
  const scan = await scanFileVerdict(new BufferByteSource(readFileSync(join(fixtures, 'formats', 'torchscript.pt'))));
  assert.deepEqual({ verdict: scan.verdict, format: scan.format, suspicious: scan.suspicious }, { verdict: 'suspicious', format: 'torchscript', suspicious: ['__torch__.build_formats.ScriptedNet'] });
  assert.ok(scan.pickles.some((p) => p.endsWith('constants.pkl')));
  assert.match(scan.notes.join('\n'), /2 files under code\/ would be compiled and run by torch\.jit\.load/);
});

test('the table of dangerous callables names its sources and holds what the issue lists', () => {
  for (const row of DANGEROUS_GLOBALS) {
    assert.ok(row.sources.length > 0 && row.why.length > 0, row.module);
    assert.ok(row.names === '*' || row.names.length > 0, row.module);
  }
  for (const g of ['torch.utils.collect_env.run', 'mailcap.findmatch', 'pip.main', 'runpy._run_code', 'code.InteractiveInterpreter.runcode', 'pdb.run', 'timeit.timeit', 'posix.system', '__builtin__.eval', 'importlib.import_module', 'operator.attrgetter', 'pickle.loads', 'torch.storage._load_from_bytes']) {
    assert.equal(isDangerousGlobal(g), true, g);
  }
  // What checkpoints hold every day stays out of it.
  for (const g of ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'argparse.Namespace', 'numpy.core.multiarray._reconstruct', 'types.SimpleNamespace', 'pathlib.PosixPath', 'builtins.set', '_codecs.encode']) {
    assert.equal(isDangerousGlobal(g), false, g);
  }
});
