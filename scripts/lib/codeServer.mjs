// Starts code-server for one run: a free loopback port, its own process group, scratch
// user-data/extensions/XDG/TMPDIR folders, and a guarantee that the whole group is killed when
// this process ends (normally, on failure, or on SIGINT/SIGTERM). Without its own group the file
// watcher and extension host outlive the server.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URLSearchParams } from 'node:url';
import { codeServerEntry, nodeBin } from './toolPaths.mjs';
import { cleanEnv } from './cleanEnv.mjs';

const live = new Set();
let hooked = false;

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

// One set of process-wide hooks for every server this process starts.
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const server of live) {
      killGroup(server.pid, 'SIGKILL');
      if (!server.keepScratch) rmSync(server.scratchDir, { recursive: true, force: true });
    }
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      Promise.all([...live].map((s) => s.stop())).finally(() => process.exit(code));
    });
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Settings that keep the first window quiet and deterministic. */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function scratchLayout(label, settings) {
  const scratchDir = mkdtempSync(join(tmpdir(), `cpm-${label}-`));
  const dirs = {
    scratchDir,
    userDataDir: join(scratchDir, 'user-data'),
    extensionsDir: join(scratchDir, 'extensions'),
    xdgConfig: join(scratchDir, 'xdg-config'),
    xdgData: join(scratchDir, 'xdg-data'),
    xdgCache: join(scratchDir, 'xdg-cache'),
    tmp: join(scratchDir, 'tmp'),
    configFile: join(scratchDir, 'config.yaml'),
    serverLog: join(scratchDir, 'server.log'),
  };
  for (const d of [dirs.userDataDir, dirs.extensionsDir, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache, dirs.tmp]) {
    mkdirSync(d, { recursive: true });
  }
  mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  writeFileSync(dirs.configFile, 'auth: none\ncert: false\n');
  return dirs;
}

function scratchEnv(dirs, extraEnv) {
  return cleanEnv({
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    TMPDIR: dirs.tmp,
    // code-server reads these from the environment and would override the flags.
    PASSWORD: '', HASHED_PASSWORD: '', VSCODE_PROXY_URI: '',
    ...extraEnv,
  });
}

function requireInstalled() {
  if (!existsSync(codeServerEntry) || !existsSync(nodeBin)) {
    throw new Error(`code-server is not installed (looked for ${codeServerEntry}); run: node scripts/ensure-vscode.mjs`);
  }
}

/** Installs a packaged extension into a server's scratch folders before it starts. */
export function installVsix(vsixPath, server) {
  requireInstalled();
  const r = spawnSync(nodeBin, [codeServerEntry, '--install-extension', vsixPath, '--force',
    '--extensions-dir', server.extensionsDir, '--user-data-dir', server.userDataDir,
    '--config', server.configFile], { env: scratchEnv(server, {}), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`installing ${vsixPath} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout.trim();
}

function tail(text, lines) {
  const all = text.split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

function logFiles(dir) {
  const found = [];
  const walk = (d) => {
    let entries = [];
    try { entries = readdirSync(d); } catch { return; }
    for (const name of entries) {
      const p = join(d, name);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.log')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * Prepares scratch folders; `start()` then launches the server. Split in two so a caller can
 * install a vsix into the same folders first.
 * `workspaceTrust: true` starts it with workspace trust enabled, so the folder opens untrusted.
 * @param {{label?: string, folder?: string, port?: number, env?: Record<string,string>, settings?: Record<string,unknown>, args?: string[], keepScratch?: boolean, workspaceTrust?: boolean}} options
 */
export function prepareCodeServer(options = {}) {
  requireInstalled();
  hookExit();
  // With trust on, a folder opens in Restricted Mode without asking: it was never trusted.
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never', 'security.workspace.trust.untrustedFiles': 'open' }
    : {};
  const dirs = scratchLayout(options.label ?? 'code-server', { ...trust, ...(options.settings ?? {}) });
  const server = {
    ...dirs,
    pid: 0,
    port: 0,
    url: '',
    keepScratch: Boolean(options.keepScratch || process.env.CHECKPOINT_MANAGER_KEEP_SCRATCH),
    stopped: false,
    exitCode: null,

    async start() {
      this.port = options.port || (await freePort());
      this.url = `http://127.0.0.1:${this.port}`;
      const args = [codeServerEntry,
        '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none',
        '--disable-telemetry', '--disable-update-check',
        // Trust is on only for a run that asks for it (an untrusted workspace under test).
        ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override', '--config', this.configFile,
        '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir,
        ...(options.args ?? []),
        ...(options.folder ? [options.folder] : [])];
      const log = createWriteStream(this.serverLog);
      const child = spawn(nodeBin, args, {
        env: scratchEnv(this, options.env ?? {}),
        cwd: this.scratchDir,
        detached: true, // its own process group, killed as a whole
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.pid = child.pid;
      live.add(this);
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      child.on('exit', (code, signal) => { this.exitCode = code ?? signal; });
      await this.waitHealthy(60_000);
      return this;
    },

    async waitHealthy(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (this.exitCode !== null) throw new Error(`code-server exited early (${this.exitCode})\n${this.logs()}`);
        try {
          const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
          if (res.ok) return;
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s\n${this.logs()}`);
    },

    /** The URL that opens a folder, optionally with a smoke-test-driver payload. */
    folderUrl(folder, payload) {
      const q = new URLSearchParams();
      if (folder) q.set('folder', folder);
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${this.url}/?${q.toString()}`;
    },

    /** A remote URI for a path on this server, as the workbench's payload expects. */
    remoteUri(absPath) {
      return `vscode-remote://127.0.0.1:${this.port}${absPath}`;
    },

    /** The tails of the server's output and every VS Code log (server, extension host). */
    logs(lines = 60) {
      const parts = [];
      const read = (p) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
      parts.push(`----- ${this.serverLog}\n${tail(read(this.serverLog), lines)}`);
      for (const f of logFiles(join(this.userDataDir, 'logs'))) {
        const text = read(f).trim();
        if (text) parts.push(`----- ${f}\n${tail(text, lines)}`);
      }
      return parts.join('\n');
    },

    async stop() {
      if (this.stopped) return;
      this.stopped = true;
      if (this.pid) {
        killGroup(this.pid, 'SIGTERM');
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && groupAlive(this.pid)) await new Promise((r) => setTimeout(r, 100));
        killGroup(this.pid, 'SIGKILL');
      }
      live.delete(this);
      if (!this.keepScratch) rmSync(this.scratchDir, { recursive: true, force: true });
    },
  };
  return server;
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Prepare and start in one step. */
export async function startCodeServer(options = {}) {
  const server = prepareCodeServer(options);
  try {
    return await server.start();
  } catch (err) {
    await server.stop();
    throw err;
  }
}
