import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDangerousGlobal, securityVerdict } from '../../src/core/security/verdict';

const known = new Set(['torch._utils._rebuild_tensor_v2', 'collections.OrderedDict', 'torch.FloatStorage']);

test('only known reconstructions: safe', () => {
  assert.deepEqual(securityVerdict(['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2'], known), {
    verdict: 'safe',
    globals: ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2'],
    dangerous: [],
    suspicious: [],
  });
});

test('an unknown but harmless class: suspicious', () => {
  const r = securityVerdict(['collections.OrderedDict', 'argparse.Namespace', 'numpy.core.multiarray._reconstruct'], known);
  assert.equal(r.verdict, 'suspicious');
  assert.deepEqual(r.suspicious, ['argparse.Namespace', 'numpy.core.multiarray._reconstruct']);
});

test('anything that can run commands or import code: dangerous', () => {
  for (const g of ['os.system', 'posix.system', 'nt.system', 'subprocess.Popen', 'sys.modules', 'builtins.eval', 'builtins.exec', '__builtin__.eval', 'builtins.getattr', 'builtins.__import__', 'runpy._run_code', 'socket.socket', 'shutil.rmtree', 'pickle.loads', 'importlib.import_module', 'webbrowser.open', 'builtins.open']) {
    assert.equal(isDangerousGlobal(g), true, g);
  }
  const r = securityVerdict(['collections.OrderedDict', 'argparse.Namespace', 'posix.system'], known);
  assert.equal(r.verdict, 'dangerous');
  assert.deepEqual(r.dangerous, ['posix.system']);
});

test('module names are matched whole, not by prefix', () => {
  assert.equal(isDangerousGlobal('ossify.thing'), false);
  assert.equal(isDangerousGlobal('system.os'), false);
  assert.equal(isDangerousGlobal('builtins.print'), false);
});

test('Python 2 spellings written by protocol 2 are judged by their Python 3 names', () => {
  const r = securityVerdict(['__builtin__.set', 'copy_reg._reconstructor', 'commands.Popen'], new Set(['builtins.set']));
  assert.deepEqual(r.dangerous, ['commands.Popen']);
  assert.deepEqual(r.suspicious, ['copy_reg._reconstructor']);
  assert.equal(securityVerdict(['__builtin__.set'], new Set(['builtins.set'])).verdict, 'safe');
});
