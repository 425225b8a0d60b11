// The names Python 3 gave what Python 2 pickles call `__builtin__`, `copy_reg`, `commands`...: the
// part of CPython's `_compat_pickle` a checkpoint can use. The unpickler resolves globals under
// these names and the security verdict judges them under both spellings.

/** Python 2 module names that Python 3 renamed. */
const PY2_MODULES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['exceptions', 'builtins'],
  ['cPickle', 'pickle'],
  ['commands', 'subprocess'], // Python 3 itself writes subprocess this way below protocol 3
  ['Queue', 'queue'],
  ['UserDict', 'collections'],
  ['UserList', 'collections'],
  ['UserString', 'collections'],
]);

/** Builtins that Python 3 renamed. */
const PY2_NAMES: ReadonlyMap<string, string> = new Map([
  ['xrange', 'range'],
  ['unicode', 'str'],
  ['basestring', 'str'],
  ['long', 'int'],
  ['unichr', 'chr'],
]);

/** The Python 3 module and name for a global a Python 2 pickle names (`__builtin__`, `copy_reg`...). */
export function python3Global(module: string, name: string): [string, string] {
  const m3 = PY2_MODULES.get(module) ?? module;
  return [m3, m3 === 'builtins' ? (PY2_NAMES.get(name) ?? name) : name];
}

/** `__builtin__.set` -> `builtins.set`: a recorded global (`result.globals`) under its Python 3 name. */
export function python3QualifiedName(qualifiedName: string): string {
  const dot = qualifiedName.indexOf('.');
  if (dot < 0) return qualifiedName;
  const [m3, n3] = python3Global(qualifiedName.slice(0, dot), qualifiedName.slice(dot + 1));
  return `${m3}.${n3}`;
}
