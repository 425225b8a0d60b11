#!/usr/bin/env bash
# `npm start`: builds and packages the extension, then runs it in a real VS Code (code-server in
# the browser) on a sample nanochat home under .sample/. Runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== tools (code-server, Node 24, chromium; cached after the first run)"
node scripts/ensure-vscode.mjs
echo "== build and package"
node esbuild.mjs --production
mkdir -p .cache
VSIX=.cache/checkpoint-manager.vsix
# Relative links stay relative: the package carries docs/screenshots, so VS Code shows the README
# with its pictures.
npx vsce package --no-dependencies --no-rewrite-relative-links --out "$VSIX" </dev/null
echo "== start"
exec node scripts/serve-sample.mjs "$VSIX"
