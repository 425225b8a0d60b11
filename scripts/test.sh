#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then type-checks, lints,
# builds, and runs the unit tests. (Integration and browser stages are added by scripts/ helpers.)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== type-check and compile"
rm -rf out
npx tsc -p .
echo "== lint"
npx eslint .
echo "== build"
node esbuild.mjs
echo "== unit tests"
node --test out/test/unit/
