#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then type-checks, lints,
# builds, runs the unit tests, the integration tests inside a real VS Code extension host
# (code-server) and the browser end-to-end tests. Every stage runs even if an earlier one failed;
# the last line sums them up: `tests: N passed, N failed`. A stage that fails without reporting
# test counts (a lint error, a crash) counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
fi

# Every scratch folder of this run (code-server, chromium, fixture copies) lives here, so the
# leftover check at the end can only ever see this run's processes.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cpm-test-run-XXXXXX")
export TMPDIR=$RUN_TMP
LOGS=$RUN_TMP/logs
mkdir -p "$LOGS"

total_pass=0
total_fail=0
results=()
failures=()

# stage NAME KIND COMMAND...   KIND: build (no counts), node (node:test), mocha
stage() {
  local name=$1 kind=$2
  shift 2
  local log="$LOGS/${name// /-}.log" t0=$SECONDS
  echo
  echo "== $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} pass=0 fail=0
  case $kind in
    node)
      pass=$(grep -aE '^(# |ℹ )pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
      fail=$(grep -aE '^(# |ℹ )fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true) ;;
    mocha)
      # Summed: the integration stage runs mocha twice (a trusted and an untrusted workspace).
      pass=$(grep -aE '^ *[0-9]+ passing' "$log" | awk '{ n += $1 } END { print n + 0 }' || true)
      fail=$(grep -aE '^ *[0-9]+ failing' "$log" | awk '{ n += $1 } END { print n + 0 }' || true) ;;
  esac
  pass=${pass:-0}
  fail=${fail:-0}
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  local verdict=ok
  [ "$rc" -eq 0 ] || verdict="FAILED (exit $rc)"
  local counts=""
  [ "$kind" = build ] || counts=" — $pass passed, $fail failed"
  results+=("$(printf '%-22s %s%s (%ss)' "$name" "$verdict" "$counts" $((SECONDS - t0)))")
  # A failing stage's own account of what failed, repeated in the summary: the tail of a long
  # run's output is what a reader (or CI's excerpt) sees first.
  if [ "$fail" -gt 0 ]; then
    local why
    why=$(grep -aE -A 24 '^ *[0-9]+ failing|^✖ failing tests:' "$log" | head -60 || true)
    [ -n "$why" ] && failures+=("-- $name, what failed:" "$why")
  fi
  echo "-- $name: $verdict$counts"
}

stage "tools" build node scripts/ensure-vscode.mjs
rm -rf out
# tsconfig.json compiles everything to out/ for the tests; the other three check each part with
# only the types it may use (the core: no DOM, no vscode; the webview: no Node).
stage "type-check and compile" build bash -c "npx tsc -p . && npx tsc -p tsconfig.core.json && npx tsc -p tsconfig.extension.json && npx tsc -p tsconfig.webview.json"
stage "lint" build npx eslint .
stage "build" build node esbuild.mjs
stage "unit tests" node node --test --test-reporter=spec out/test/unit/
stage "integration tests" mocha node scripts/run-integration.mjs
VSIX=$RUN_TMP/checkpoint-manager.vsix
stage "package" build bash -c "node esbuild.mjs --production && npx vsce package --no-dependencies --no-rewrite-relative-links --out '$VSIX' </dev/null"
if [ -f "$VSIX" ]; then
  stage "e2e tests" node env CHECKPOINT_MANAGER_VSIX="$VSIX" node scripts/run-e2e.mjs
else
  stage "e2e tests" node env node scripts/run-e2e.mjs
fi

# The stages stop their own process groups; anything left is a bug worth seeing, and is ours.
leftover=$(pgrep -f "$RUN_TMP" || true)
if [ -n "$leftover" ]; then
  echo "warning: processes outlived their stage, stopping them: $(echo $leftover)"
  kill $leftover 2>/dev/null || true
  sleep 1
  kill -9 $leftover 2>/dev/null || true
fi
rm -rf "$RUN_TMP"

echo
echo "== summary ($((SECONDS - started)) s)"
for r in "${results[@]}"; do echo "  $r"; done
for f in "${failures[@]}"; do echo "$f"; done
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
