// A local ESLint rule that keeps imports running down the layers, never up. Each folder of src/
// has a rank; a file may import from its own folder and from folders of lower rank only, and
// folders that share a rank (the front ends: cli, extension, webview) may not import each other.
// `import type` counts as well: types belong to the layer that owns them. A file of src/ in no
// layer is reported too, so a new folder cannot slip past the table.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Lowest first. Longest matching prefix wins, so `core/rpc` can sit below the rest of `core`.
 * Peers of one rank (json/format/values, the front ends) do not import each other.
 */
export const LAYERS = [
  ['src/core/rpc', 0], // request/response over any port: imports nothing
  ['src/core/json.ts', 1],
  ['src/core/format.ts', 1],
  ['src/core/visibleText.ts', 1], // untrusted text with its hidden characters escaped
  ['src/core/values', 1], // the Python values the unpickler builds, and its call log
  ['src/core/errors.ts', 2], // carries the globals and calls a failing pickle named
  ['src/core/io', 3],
  ['src/core/zip', 4],
  ['src/core/pickle', 5],
  ['src/core/stats', 6],
  ['src/core/torch', 7], // the torch readers and LoadedCheckpoint, which every reader returns
  ['src/core/formats', 8], // safetensors and plain pickles, returning LoadedCheckpoint too
  ['src/core/security', 9],
  ['src/core/checkpoint', 10], // tells the formats apart and opens a file with its reader
  ['src/core/marks', 10.5], // pins, notes and archive records beside a run: the listing reads them
  ['src/core/listing', 11],
  ['src/core/parallel', 12],
  ['src/core/inspect', 13],
  ['src/core/compare', 14],
  ['src/core/export', 14.5], // writers for inference, over a parsed checkpoint; the session worker runs them
  ['src/core/session', 15], // answers compare and export requests, so it sits above both
  ['src/core/prune', 17], // retention plans over the listing, the trash, run status from pickles
  ['src/core/code', 18], // the Python that loads or resumes a checkpoint, written from its report
  ['src/core/runs', 18.5], // what the run view and the storage report draw: series, plans, storage rows
  ['src/shared', 30],
  ['src/cli.ts', 40],
  ['src/cli', 40],
  ['src/extension', 40],
  ['src/webview', 40],
  ['src/worker', 40],
];

/** The layer of a file, or of an import's target (written without its `.ts`). */
function layerOf(file, root) {
  const rel = relative(root, file).split(sep).join('/');
  let best;
  for (const [prefix, rank] of LAYERS) {
    const matches = rel === prefix || `${rel}.ts` === prefix || rel.startsWith(`${prefix}/`);
    if (matches && (!best || prefix.length > best.prefix.length)) best = { prefix, rank };
  }
  return best;
}

function inSrc(file, root) {
  return relative(root, file).split(sep).join('/').startsWith('src/');
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports run down the layers of src/, never up, nor sideways between peers of one rank' },
    schema: [],
    messages: {
      up: '{{from}} (layer {{fromRank}}) must not import {{to}} (layer {{toRank}}): imports run down the layers.',
      sideways: '{{from}} must not import {{to}}: layers of one rank do not depend on each other.',
      unranked: '{{file}} has no layer: give its folder a rank in eslint/layering.mjs.',
    },
  },
  create(context) {
    const root = context.cwd ?? process.cwd();
    const file = context.filename ?? context.getFilename();
    if (!inSrc(file, root)) return {};
    const from = layerOf(file, root);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      if (!inSrc(target, root)) return;
      const to = layerOf(target, root);
      if (!from || !to) {
        context.report({ node, messageId: 'unranked', data: { file: relative(root, from ? target : file).split(sep).join('/') } });
        return;
      }
      if (to.prefix === from.prefix) return;
      const data = { from: from.prefix, to: to.prefix, fromRank: from.rank, toRank: to.rank };
      if (to.rank > from.rank) context.report({ node, messageId: 'up', data });
      else if (to.rank === from.rank && !sameFrontEnd(from.prefix, to.prefix)) context.report({ node, messageId: 'sideways', data });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

/** `src/cli.ts` and `src/cli/` are one front end. */
function sameFrontEnd(a, b) {
  const base = (p) => p.replace(/\.ts$/, '');
  return base(a) === base(b);
}

export default { rules: { imports: layeringRule } };
