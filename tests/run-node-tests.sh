#!/usr/bin/env bash
# Runs the Node test suites against a built dangbo: integration (API over a real server), then
# e2e (Playwright driving Debian's /usr/bin/chromium). Exits non-zero when any test fails.
#
#   tests/run-node-tests.sh                 # both suites
#   tests/run-node-tests.sh integration     # one suite
#
# Needs: build/dangbo (or DANGBO_BIN), Node >= 20, node_modules (scripts/build-web.sh installs
# them and vendors the web assets the pages load), /usr/bin/chromium for e2e.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DANGBO_BIN="${DANGBO_BIN:-$ROOT/build/dangbo}"

if [[ ! -x "$DANGBO_BIN" ]]; then
  echo "run-node-tests: $DANGBO_BIN is missing (build it first, or set DANGBO_BIN)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( major < 20 )); then
  echo "run-node-tests: Node.js >= 20 is needed (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
bash scripts/build-web.sh || { echo "run-node-tests: scripts/build-web.sh failed" >&2; exit 1; }

suites=("$@")
(( ${#suites[@]} )) || suites=(integration e2e)

# The spec reporter shows each test and ends with node's summary (tests / pass / fail …).
status=0
for s in "${suites[@]}"; do
  files=(tests/"$s"/*.test.mjs)
  [[ -e "${files[0]}" ]] || { echo "run-node-tests: no tests in tests/$s" >&2; status=1; continue; }
  echo "=== node --test tests/$s ==="
  # One file at a time: each starts its own server (2 cores here).
  node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
  rc=$?
  (( rc == 0 )) || status=$rc
done
exit $status
