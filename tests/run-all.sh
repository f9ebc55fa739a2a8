#!/usr/bin/env bash
# Runs every test suite and prints one closing line "N passed, N failed" over all of them.
#   1. unit tests (CTest over the GoogleTest binaries)
#   2. integration tests against a real server on an ephemeral port, and browser tests (Node)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
cd "$ROOT"
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

passed=0 failed=0 status=0

echo "=== unit tests (ctest) ==="
(cd "$BUILD" && ctest --output-on-failure -j "$(nproc)") 2>&1 | tee "$LOG/ctest.txt"
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || status=1
line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$LOG/ctest.txt" | tail -1)
if [[ -n "$line" ]]; then
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  nfail=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - nfail)); failed=$((failed + nfail))
elif [[ $rc -ne 0 ]]; then
  failed=$((failed + 1))
fi

echo "=== integration and browser tests (node) ==="
bash tests/run-node-tests.sh 2>&1 | tee "$LOG/node.txt"
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || status=1
np=$(grep -E "^(ℹ|#) pass [0-9]+" "$LOG/node.txt" | awk '{s += $3} END {print s + 0}')
nf=$(grep -E "^(ℹ|#) fail [0-9]+" "$LOG/node.txt" | awk '{s += $3} END {print s + 0}')
passed=$((passed + ${np:-0})); failed=$((failed + ${nf:-0}))
if [[ $rc -ne 0 && ${nf:-0} -eq 0 ]]; then failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
exit $status
