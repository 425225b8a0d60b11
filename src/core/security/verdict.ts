// A verdict per file from the globals its pickles name, in the spirit of picklescan and the
// Hugging Face scanner: known inert reconstructions are safe, modules that can run commands,
// open files or import code are dangerous, anything else is suspicious (it would need that
// class to be imported to load, and we cannot vouch for it).
import type { SecurityReport } from './securityReport';
import type { CallLog } from '../values/callLog';
import { python3QualifiedName } from '../pickle/python2Names';
import { dangerousCalls } from './callRecords';

/** Modules whose every name is dangerous. */
const dangerousModules = [
  'os', 'posix', 'nt', 'subprocess', 'sys', 'runpy', 'socket', 'shutil', 'pickle', '_pickle', 'importlib',
  'webbrowser', 'ctypes', 'pty', 'commands', 'multiprocessing', 'code', 'codeop', 'pdb', 'bdb', 'asyncio',
  'marshal', 'dill', 'cloudpickle', 'httplib', 'http', 'urllib', 'requests', 'ftplib', 'telnetlib', 'smtplib',
  'platform', 'tempfile', 'signal', 'threading', '_thread',
];

/** Single names that are dangerous in otherwise ordinary modules. */
const dangerousNames = new Set(
  ['eval', 'exec', 'execfile', 'compile', 'getattr', 'setattr', 'delattr', 'open', '__import__', 'globals', 'locals', 'vars', 'breakpoint', 'input', 'apply', 'file', 'reload']
    .flatMap((n) => [`builtins.${n}`, `__builtin__.${n}`]),
);
for (const n of ['operator.attrgetter', 'operator.methodcaller', 'functools.partial', 'torch.load', 'torch.hub.load', 'torch.storage._load_from_bytes', 'numpy.load', 'numpy.testing._private.utils.runstring', 'io.open', '_io.open', 'types.FunctionType', 'types.CodeType']) {
  dangerousNames.add(n);
}

function inModule(qualified: string, module: string): boolean {
  return qualified === module || qualified.startsWith(`${module}.`);
}

export function isDangerousGlobal(qualified: string): boolean {
  return dangerousNames.has(qualified) || dangerousModules.some((m) => inModule(qualified, m));
}

/** A global as written or under its Python 3 name (`__builtin__.set`, `commands.Popen`). */
function spellings(qualified: string): string[] {
  const py3 = python3QualifiedName(qualified);
  return py3 === qualified ? [qualified] : [qualified, py3];
}

/** Dangerous as written or under its Python 3 name. */
export function isDangerousName(qualified: string): boolean {
  return spellings(qualified).some(isDangerousGlobal);
}

/**
 * Classifies `globals` given the set of names (Python 3 spelling) the reader rebuilds as inert
 * data; with the pickle's call log, also says what loading would run.
 */
export function securityVerdict(globals: readonly string[], known: ReadonlySet<string>, calls?: CallLog): SecurityReport {
  const dangerous = globals.filter(isDangerousName);
  const suspicious = globals.filter((g) => !isDangerousName(g) && !spellings(g).some((n) => known.has(n)));
  const report: SecurityReport = {
    verdict: dangerous.length ? 'dangerous' : suspicious.length ? 'suspicious' : 'safe',
    globals: [...globals],
    dangerous,
    suspicious,
  };
  const would = calls ? dangerousCalls(calls, isDangerousName) : undefined;
  if (would && would.calls.length > 0) {
    report.calls = would.calls;
    if (would.omitted > 0) report.callsOmitted = would.omitted;
  }
  return report;
}
