// The environment handed to tool installs: nothing of the npm script that started us leaks in.
// (With npm's user agent inherited, code-server's postinstall saw "node/v20" and refused.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..');

test('cleanEnv drops npm script variables and keeps the rest', async () => {
  const { cleanEnv } = (await import(pathToFileURL(join(root, 'scripts', 'lib', 'cleanEnv.mjs')).href)) as {
    cleanEnv: (extra?: Record<string, string>, base?: Record<string, string | undefined>) => Record<string, string>;
  };
  const base = {
    PATH: '/usr/bin',
    HOME: '/root',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64',
    npm_config_nodedir: '/usr',
    npm_lifecycle_event: 'test',
    npm_package_name: 'checkpoint-manager',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    INIT_CWD: '/work/main',
    NODE: '/usr/bin/node',
  };
  assert.deepEqual(cleanEnv({ npm_config_nodedir: '/cache/node24' }, base), {
    PATH: '/usr/bin',
    HOME: '/root',
    npm_config_nodedir: '/cache/node24',
  });
});
