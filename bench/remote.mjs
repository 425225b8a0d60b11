// Reading over HTTP (issue 13's targets): `inspect --json` of a 4 GiB torch zip and of the same
// weights as safetensors, served by Debian's nginx on loopback (test/unit/support/nginxServer.ts,
// the tests' own server), counting the requests nginx logged and timing the whole CLI process
// (median of 5), next to the same inspect of the local file. Targets: at most 10 requests for a
// torch zip and 5 for safetensors, under 300 ms. Needs python3-torch and nginx; `npm run bench`
// builds first (tsc for the server helper, the production bundle for the CLI).
import { mkdirSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runTimed as run } from './benchKit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startNginx } = require(join(root, 'out', 'test', 'unit', 'support', 'nginxServer.js'));
const tmp = join(root, 'bench', '.tmp', 'remote');
const cli = join(root, 'dist', 'cli.js');
mkdirSync(tmp, { recursive: true });
const pt = join(tmp, 'remote_4096.pt');
const st = join(tmp, 'remote_4096.safetensors');
const lines = [];
let server;
try {
  if (!existsSync(pt)) {
    run('/usr/bin/python3', [join(root, 'bench', 'make_checkpoint.py'), '4096', `${pt}.part`]);
    renameSync(`${pt}.part`, pt);
  }
  if (!existsSync(st)) run(process.execPath, [cli, 'export', pt, st]);
  server = await startNginx(tmp);
  for (const file of [pt, st]) {
    const url = `${server.origin}/${basename(file)}`;
    const remote = [];
    const local = [];
    let requests = 0;
    for (let i = 0; i < 5; i++) {
      const before = server.requests().length;
      remote.push(run(process.execPath, [cli, 'inspect', '--json', url]).ms);
      requests = server.requests().length - before;
      local.push(run(process.execPath, [cli, 'inspect', '--json', file]).ms);
    }
    const gib = (statSync(file).size / 2 ** 30).toFixed(2);
    const kind = file.endsWith('.pt') ? 'torch zip' : 'safetensors';
    const most = file.endsWith('.pt') ? 10 : 5;
    lines.push(`| ${kind}, ${gib} GiB | ${requests} (target ≤ ${most}) | ${median(remote).toFixed(0)} ms (target < 300 ms) | ${median(local).toFixed(0)} ms |`);
  }
} finally {
  await server?.stop();
  if (!process.argv.includes('--keep')) rmSync(tmp, { recursive: true, force: true });
}
console.log('| inspect --json over HTTP (nginx, loopback) | requests | CLI wall, median of 5 | the same from the local file |');
console.log('|---|---|---|---|');
for (const l of lines) console.log(l);
