// The table of globals whose import or call by a pickle can run code, touch files or the network,
// or load another pickle: what the security verdict calls dangerous. Each row says where the fact
// comes from, so the list can be checked against its sources and kept up to date:
// - picklescan: the `_unsafe_globals` table of mmaitre314/picklescan (`src/picklescan/scanner.py`);
// - fickling: `UNSAFE_IMPORTS` and the builtins left out of `SAFE_BUILTINS` in
//   trailofbits/fickling (`fickling/fickle.py`);
// - torch: what `torch.load(weights_only=True)` always refuses (`os`, `posix`, `nt`, `sys`);
// - issue: reported bypasses of those scanners (picklescan #13, #14, #66; modelscan #85) and the
//   calls this project's issue 12 names.
// Only facts are taken from those projects (which names are dangerous and why), no code.

export type DangerSource = 'picklescan' | 'fickling' | 'torch' | 'issue';

export interface DangerousEntry {
  /** The module as a pickle names it (Python 3 spelling; Python 2 names are mapped first). */
  module: string;
  /** `*` for every name in the module and its submodules; else the names (dotted for methods). */
  names: '*' | readonly string[];
  why: string;
  sources: readonly DangerSource[];
}

export const DANGEROUS_GLOBALS: readonly DangerousEntry[] = [
  {
    module: 'builtins',
    names: ['eval', 'exec', 'execfile', 'compile', 'open', 'file', 'apply', 'breakpoint', 'input', '__import__', 'getattr', 'setattr', 'delattr', 'hasattr', 'globals', 'locals', 'vars', 'reload', 'memoryview', '__loader__', '__spec__'],
    why: 'runs code, imports modules, reaches any attribute (getattr(__import__("os"), "system")) or opens files',
    sources: ['picklescan', 'fickling'],
  },
  { module: 'os', names: '*', why: 'os.system, os.popen, os.exec*, file removal', sources: ['picklescan', 'fickling', 'torch'] },
  { module: 'posix', names: '*', why: 'the name os has on Linux and macOS in a pickle (os.system is written posix.system)', sources: ['picklescan', 'fickling', 'torch'] },
  { module: 'nt', names: '*', why: 'the name os has on Windows in a pickle', sources: ['picklescan', 'fickling', 'torch'] },
  { module: 'sys', names: '*', why: 'sys.modules and friends reach every loaded module', sources: ['picklescan', 'fickling', 'torch'] },
  { module: 'subprocess', names: '*', why: 'runs commands (Python 2 name: commands)', sources: ['picklescan', 'fickling'] },
  { module: 'commands', names: '*', why: 'Python 2 predecessor of subprocess', sources: ['picklescan', 'fickling'] },
  { module: '_posixsubprocess', names: '*', why: 'fork_exec runs commands', sources: ['fickling'] },
  { module: 'pty', names: '*', why: 'pty.spawn runs commands', sources: ['picklescan', 'fickling'] },
  { module: 'multiprocessing', names: '*', why: 'starts processes', sources: ['fickling'] },
  { module: 'runpy', names: '*', why: 'runpy._run_code executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'code', names: '*', why: 'InteractiveInterpreter.runcode executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'codeop', names: '*', why: 'compiles source text', sources: ['fickling'] },
  { module: 'marshal', names: '*', why: 'marshal.loads makes code objects', sources: ['fickling'] },
  { module: 'types', names: ['FunctionType', 'CodeType', 'MethodType', 'LambdaType', 'ModuleType'], why: 'builds functions from code objects', sources: ['fickling'] },
  { module: 'doctest', names: '*', why: 'doctest.debug_script executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'timeit', names: '*', why: 'timeit.timeit executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'pdb', names: '*', why: 'pdb.run executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'bdb', names: '*', why: 'Bdb.run executes source text', sources: ['picklescan', 'fickling'] },
  { module: 'cProfile', names: '*', why: 'cProfile.run and runctx execute source text', sources: ['picklescan', 'fickling'] },
  { module: 'profile', names: '*', why: 'Profile.run and runctx execute source text', sources: ['picklescan', 'fickling'] },
  { module: 'trace', names: '*', why: 'Trace.run and runctx execute source text', sources: ['picklescan', 'fickling'] },
  { module: 'importlib', names: '*', why: 'import_module reaches any module (getattr(import_module("os"), "system"))', sources: ['fickling', 'issue'] },
  { module: '_frozen_importlib', names: '*', why: 'the import machinery', sources: ['fickling'] },
  { module: '_frozen_importlib_external', names: '*', why: 'the import machinery', sources: ['fickling'] },
  { module: '_imp', names: '*', why: 'the import machinery', sources: ['fickling'] },
  { module: 'imp', names: '*', why: 'imp.load_source executes a file', sources: ['fickling'] },
  { module: 'pkgutil', names: '*', why: 'pkgutil.resolve_name reaches any global', sources: ['fickling'] },
  { module: 'zipimport', names: '*', why: 'imports code from a zip', sources: ['fickling'] },
  { module: 'site', names: '*', why: 'runs .pth files', sources: ['fickling'] },
  { module: 'inspect', names: '*', why: 'getattr_static and friends reach any attribute', sources: ['fickling'] },
  { module: 'operator', names: ['attrgetter', 'itemgetter', 'methodcaller'], why: 'attrgetter("system")(__import__("os")) is getattr by another name', sources: ['picklescan', 'fickling', 'issue'] },
  { module: '_operator', names: ['attrgetter', 'itemgetter', 'methodcaller'], why: 'the C module behind operator', sources: ['fickling'] },
  { module: 'functools', names: '*', why: 'partial(os.system, "…") and reduce call what they are given', sources: ['picklescan', 'fickling'] },
  { module: 'pickle', names: '*', why: 'pickle.loads of bytes inside the file: a nested pickle', sources: ['picklescan', 'fickling'] },
  { module: '_pickle', names: '*', why: 'the C module behind pickle', sources: ['picklescan', 'fickling'] },
  { module: 'dill', names: '*', why: 'loads pickles and code', sources: ['fickling'] },
  { module: 'cloudpickle', names: '*', why: 'loads pickles and code', sources: ['fickling'] },
  { module: 'joblib', names: '*', why: 'joblib.load loads pickles', sources: ['fickling'] },
  { module: 'shelve', names: '*', why: 'opens pickle databases', sources: ['fickling'] },
  { module: 'torch', names: ['load'], why: 'torch.load of bytes or a path: another pickle', sources: ['issue'] },
  { module: 'torch.serialization', names: ['load'], why: 'torch.load by its home module', sources: ['picklescan'] },
  { module: 'torch.storage', names: ['_load_from_bytes'], why: 'torch.load of bytes inside the file: a nested pickle', sources: ['issue'] },
  { module: 'torch.hub', names: '*', why: 'downloads and runs a repository\'s hubconf.py', sources: ['fickling'] },
  { module: 'torch.utils.collect_env', names: ['run'], why: 'run(command) runs a shell command', sources: ['picklescan', 'issue'] },
  { module: 'torch._dynamo.guards', names: ['GuardBuilder.get'], why: 'evaluates a string', sources: ['picklescan'] },
  { module: 'torch._inductor.codecache', names: ['compile_file'], why: 'runs a compiler command line of its choosing', sources: ['picklescan'] },
  { module: 'torch.fx.experimental.symbolic_shapes', names: ['ShapeEnv.evaluate_guards_expression'], why: 'evaluates a string', sources: ['picklescan'] },
  { module: 'torch.jit.unsupported_tensor_ops', names: ['execWrapper'], why: 'exec by another name', sources: ['picklescan'] },
  { module: 'torch.utils._config_module', names: ['ConfigModule.load_config'], why: 'unpickles bytes: a nested pickle', sources: ['picklescan'] },
  { module: 'torch.utils.bottleneck.__main__', names: ['run_cprofile', 'run_autograd_prof'], why: 'execute source text', sources: ['picklescan'] },
  { module: 'torch.utils.data.datapipes.utils.decoder', names: ['basichandlers'], why: 'unpickles bytes: a nested pickle', sources: ['picklescan'] },
  { module: 'numpy', names: ['load'], why: 'numpy.load with allow_pickle loads a pickle', sources: ['issue'] },
  { module: 'numpy.testing._private.utils', names: '*', why: 'runstring is exec by another name', sources: ['picklescan'] },
  { module: 'numpy.f2py', names: '*', why: 'several helpers eval strings', sources: ['picklescan'] },
  { module: 'mailcap', names: '*', why: 'findmatch builds a shell command from its arguments', sources: ['issue'] },
  { module: 'pydoc', names: '*', why: 'pipepager runs a command; locate imports any module', sources: ['picklescan', 'fickling'] },
  { module: 'pip', names: '*', why: 'installs and runs packages', sources: ['picklescan', 'fickling'] },
  { module: 'ensurepip', names: '*', why: '_run_pip installs packages', sources: ['picklescan', 'fickling'] },
  { module: 'venv', names: '*', why: 'creates environments and runs pip', sources: ['picklescan', 'fickling'] },
  { module: 'distutils', names: '*', why: 'file_util.write_file writes any file; spawn runs commands', sources: ['picklescan', 'fickling'] },
  { module: 'idlelib', names: '*', why: 'several methods run source text', sources: ['picklescan', 'fickling'] },
  { module: 'lib2to3', names: '*', why: 'Grammar.loads unpickles; pgen evaluates strings', sources: ['picklescan', 'fickling'] },
  { module: 'uuid', names: ['_get_command_stdout'], why: 'runs a command', sources: ['fickling'] },
  { module: '_osx_support', names: '*', why: 'helpers that run commands', sources: ['fickling'] },
  { module: '_aix_support', names: '*', why: 'helpers that run commands', sources: ['fickling'] },
  { module: 'platform', names: '*', why: 'helpers that run commands and read files', sources: ['fickling'] },
  { module: 'ctypes', names: '*', why: 'loads native libraries and calls them', sources: ['picklescan', 'fickling'] },
  { module: '_ctypes', names: '*', why: 'the C module behind ctypes', sources: ['fickling'] },
  { module: 'shutil', names: '*', why: 'removes and copies files', sources: ['picklescan', 'fickling'] },
  { module: 'tempfile', names: '*', why: 'creates files', sources: ['fickling'] },
  { module: 'io', names: ['open', 'FileIO'], why: 'opens files', sources: ['issue'] },
  { module: '_io', names: ['open', 'FileIO'], why: 'opens files', sources: ['issue'] },
  { module: 'socket', names: '*', why: 'network access', sources: ['picklescan', 'fickling'] },
  { module: 'ssl', names: '*', why: 'get_server_certificate reaches the network (DNS exfiltration)', sources: ['picklescan', 'fickling'] },
  { module: 'http', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'httplib', names: '*', why: 'Python 2 http.client', sources: ['picklescan', 'fickling'] },
  { module: 'urllib', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'urllib2', names: '*', why: 'Python 2 network access', sources: ['fickling'] },
  { module: 'requests', names: '*', why: 'network access', sources: ['picklescan', 'fickling'] },
  { module: 'aiohttp', names: '*', why: 'network access', sources: ['picklescan', 'fickling'] },
  { module: 'asyncio', names: '*', why: 'runs subprocesses and coroutines', sources: ['picklescan', 'fickling'] },
  { module: 'webbrowser', names: '*', why: 'webbrowser.open starts a program on a URL', sources: ['picklescan', 'fickling'] },
  { module: 'smtplib', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'ftplib', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'telnetlib', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'socketserver', names: '*', why: 'listens on the network', sources: ['fickling'] },
  { module: 'xmlrpc', names: '*', why: 'network access', sources: ['fickling'] },
  { module: 'signal', names: '*', why: 'process control', sources: ['fickling'] },
  { module: 'threading', names: '*', why: 'starts threads running a callable', sources: ['fickling'] },
  { module: '_thread', names: '*', why: 'starts threads running a callable', sources: ['fickling'] },
  { module: 'atexit', names: '*', why: 'registers code to run at exit', sources: ['fickling'] },
  { module: 'pipes', names: '*', why: 'Template runs shell commands', sources: ['fickling'] },
  { module: 'pexpect', names: '*', why: 'runs commands', sources: ['fickling'] },
];

function inModule(qualified: string, module: string): boolean {
  return qualified === module || qualified.startsWith(`${module}.`);
}

/** The table's entry that makes `qualified` (Python 3 spelling, `module.name`) dangerous, if any. */
export function dangerousEntry(qualified: string): DangerousEntry | undefined {
  return DANGEROUS_GLOBALS.find((e) =>
    e.names === '*' ? inModule(qualified, e.module) : e.names.some((n) => qualified === `${e.module}.${n}` || qualified.startsWith(`${e.module}.${n}.`)),
  );
}

/** True when the table lists `qualified`, the module holding it, or the name it is an attribute of. */
export function isListedDangerous(qualified: string): boolean {
  return dangerousEntry(qualified) !== undefined;
}
