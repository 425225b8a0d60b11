// A local ESLint rule that keeps imports running down the layers, never up. Each folder of src/
// has a rank; a file may import from its own folder and from folders of lower rank only, and
// folders that share a rank (the front ends: cli, extension, webview) may not import each other.
// `import type` counts as well: types belong to the layer that owns them.
import { dirname, relative, resolve, sep } from 'node:path';

/** Lowest first. Longest matching prefix wins, so `core/rpc` can sit below the rest of `core`. */
export const LAYERS = [
  ['src/core/rpc', 0],
  ['src/core/errors.ts', 1],
  ['src/core/format.ts', 1],
  ['src/core/json.ts', 1],
  ['src/core/io', 2],
  ['src/core/zip', 3],
  ['src/core/pickle', 4],
  ['src/core/stats', 5],
  ['src/core/torch', 6],
  ['src/core/formats', 7],
  ['src/core/security', 8],
  ['src/core/checkpoint', 9],
  ['src/core/listing', 10],
  ['src/core/parallel', 11],
  ['src/core/inspect', 12],
  ['src/core/session', 13],
  ['src/core/compare', 14],
  ['src/core/export', 15],
  ['src/core/prune', 16],
  ['src/shared', 30],
  ['src/cli.ts', 40],
  ['src/cli', 40],
  ['src/extension', 40],
  ['src/webview', 40],
  ['src/worker', 40],
];

function layerOf(file, root) {
  const rel = relative(root, file).split(sep).join('/');
  let best;
  for (const [prefix, rank] of LAYERS) {
    if ((rel === prefix || rel.startsWith(`${prefix}/`)) && (!best || prefix.length > best.prefix.length)) best = { prefix, rank };
  }
  return best;
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports run down the layers of src/, never up or sideways between front ends' },
    schema: [],
    messages: {
      up: '{{from}} (layer {{fromRank}}) must not import {{to}} (layer {{toRank}}): imports run down the layers.',
      sideways: '{{from}} must not import {{to}}: the front ends do not depend on each other.',
    },
  },
  create(context) {
    const root = context.cwd ?? process.cwd();
    const file = context.filename ?? context.getFilename();
    const from = layerOf(file, root);
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(resolve(dirname(file), source), root);
      if (!to || to.prefix === from.prefix) return;
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
