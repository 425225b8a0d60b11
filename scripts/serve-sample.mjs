#!/usr/bin/env node
// `npm start`'s last step: a sample nanochat home and workspace under .sample/, the packaged
// extension installed into a scratch code-server, which runs until Ctrl-C.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix, prepareCodeServer } from './lib/codeServer.mjs';
import { makeSampleHome } from './lib/sampleHome.mjs';
import { repoRoot } from './lib/toolPaths.mjs';

const vsix = process.argv[2];
if (!vsix || !existsSync(vsix)) {
  console.error(`usage: serve-sample.mjs <file.vsix> (got ${vsix ?? 'nothing'})`);
  process.exit(2);
}

const sample = makeSampleHome(join(repoRoot, '.sample'));
for (const m of sample.missing) console.warn(`[start] warning: ${m} is missing; .sample has an empty placeholder`);

const server = prepareCodeServer({
  label: 'start',
  folder: sample.workspace,
  port: Number(process.env.PORT) || undefined,
  // The extension lists this nanochat home instead of the user's ~/.cache/nanochat.
  env: { NANOCHAT_BASE_DIR: sample.nanochat },
});
console.log(`[start] ${installVsix(vsix, server)}`);
try {
  await server.start();
} catch (err) {
  console.error(`[start] ${err.message}`);
  await server.stop();
  process.exit(1);
}

console.log('');
console.log(`  Checkpoint Manager is running in code-server (VS Code in the browser):`);
console.log('');
console.log(`    ${server.folderUrl(sample.workspace)}`);
console.log('');
console.log(`  nanochat home: ${sample.nanochat}`);
console.log(`  workspace:     ${sample.workspace}`);
console.log(`  server log:    ${server.serverLog}`);
console.log(`  Press Ctrl-C to stop (the server and its scratch folders are removed).`);

// The exit hooks in codeServer.mjs stop the server on Ctrl-C; here we only notice it dying.
process.once('SIGINT', () => console.log('\n[start] stopping code-server'));
const watch = setInterval(() => {
  if (server.exitCode !== null && !server.stopped) {
    clearInterval(watch);
    console.error(`[start] code-server exited (${server.exitCode})\n${server.logs()}`);
    server.stop().finally(() => process.exit(1));
  }
}, 1000);
