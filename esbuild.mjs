// The bundles: the extension host (Node, CommonJS, `vscode` external), the webviews (browser IIFEs:
// the inspector, the compare report, the run view and the storage report), the command-line tool
// (Node, CommonJS, with a shebang) and the worker threads;
// and uPlot's stylesheet copied out of node_modules as dist/uplot.css, which the webview loads as
// a file (the CSP allows no inline styles).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2020' },
  // The compare report's webview, a page of its own.
  { ...common, entryPoints: ['src/webview/compareMain.ts'], outfile: 'dist/compareView.js', platform: 'browser', format: 'iife', target: 'es2020' },
  { ...common, entryPoints: ['src/webview/runView/main.ts'], outfile: 'dist/runView.js', platform: 'browser', format: 'iife', target: 'es2020' },
  { ...common, entryPoints: ['src/webview/storage/main.ts'], outfile: 'dist/storage.js', platform: 'browser', format: 'iife', target: 'es2020' },
  { ...common, sourcemap: false, minify: true, entryPoints: ['node_modules/uplot/dist/uPlot.min.css'], outfile: 'dist/uplot.css', loader: { '.css': 'css' } },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node18', banner: { js: '#!/usr/bin/env node' } },
  // Worker threads, beside the bundles that start them: kernels (hashing, statistics) and sessions.
  { ...common, entryPoints: ['src/core/parallel/kernelWorker.ts'], outfile: 'dist/kernelWorker.js', platform: 'node', format: 'cjs', target: 'node18' },
  { ...common, entryPoints: ['src/core/session/sessionWorker.ts'], outfile: 'dist/sessionWorker.js', platform: 'node', format: 'cjs', target: 'node18' },
];

// In watch mode a rebuild (of one bundle or all three) is bracketed by one pair of lines that
// .vscode/tasks.json's problem matcher reads; errors are printed as `✘ [ERROR] message` followed
// by `    file:line:column:`.
let building = 0;
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => {
      if (building++ === 0) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.log(`✘ [ERROR] ${text}`);
        if (location) console.log(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (--building === 0) console.log('[watch] build finished');
    });
  },
};

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...b, logLevel: 'silent', plugins: [watchReporter] })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
