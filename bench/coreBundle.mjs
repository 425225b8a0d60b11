// Bundles modules of src/core with esbuild and loads them, so a bench needs neither tsc output
// nor the extension build.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/** `exports`: module path below src/core → names, e.g. `{ 'listing/listRoot': ['listRoot'] }`. */
export async function loadCore(name, exports) {
  const tmp = join(here, '.tmp');
  mkdirSync(tmp, { recursive: true });
  const outfile = join(tmp, `${name}.cjs`);
  await esbuild.build({
    stdin: {
      contents: Object.entries(exports).map(([module, names]) => `export { ${names.join(', ')} } from './src/core/${module}';`).join('\n'),
      resolveDir: join(here, '..'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}
