#!/usr/bin/env bash
# Runs every test suite and prints one closing line "N passed, N failed" over all of them.
#   1. a throwaway PostgreSQL cluster is started (scripts/pg-cluster.sh) and stopped at the end
#   2. unit tests (CTest over the GoogleTest binaries); store tests run on SQLite and PostgreSQL
#   3. integration tests against a real server on an ephemeral port, on SQLite and on PostgreSQL
#   4. browser tests (Playwright driving Debian's Chromium)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
cd "$ROOT"
LOG=$(mktemp -d)
PGDIR=$(mktemp -d /tmp/dangbo-pg.XXXXXX)
cleanup() { bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1; rm -rf "$LOG"; }
trap cleanup EXIT

passed=0 failed=0 status=0
declare -A per_backend_pass per_backend_fail

if url=$(bash scripts/pg-cluster.sh start "$PGDIR"); then
  export DANGBO_TEST_PG_URL="$url"
  echo "PostgreSQL test cluster: $url"
else
  echo "could not start the PostgreSQL test cluster" >&2
  failed=$((failed + 1)); status=1
fi

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
for b in sqlite postgresql; do
  per_backend_pass[unit-$b]=$(grep -E "Test +#[0-9]+: .*/$b .*Passed" "$LOG/ctest.txt" | grep -vc "Skipped")
  per_backend_fail[unit-$b]=$(grep -E "Test +#[0-9]+: .*/$b .*(Failed|Exception|SEGFAULT)" "$LOG/ctest.txt" | wc -l)
done
skipped=$(grep -cE "\*\*\*Skipped|Not Run" "$LOG/ctest.txt")
[[ $skipped -eq 0 ]] || echo "note: $skipped unit tests skipped"

count_node() {  # file → sets np nf
  np=$(grep -E "^(ℹ|#) pass [0-9]+" "$1" | awk '{s += $3} END {print s + 0}')
  nf=$(grep -E "^(ℹ|#) fail [0-9]+" "$1" | awk '{s += $3} END {print s + 0}')
}

for b in sqlite postgresql; do
  [[ $b == postgresql && -z "${DANGBO_TEST_PG_URL:-}" ]] && continue
  echo "=== integration tests on $b (node, real server) ==="
  DANGBO_TEST_BACKEND=$b bash tests/run-node-tests.sh integration 2>&1 | tee "$LOG/node-$b.txt"
  rc=${PIPESTATUS[0]}
  [[ $rc -eq 0 ]] || status=1
  count_node "$LOG/node-$b.txt"
  per_backend_pass[integration-$b]=$np; per_backend_fail[integration-$b]=$nf
  passed=$((passed + np)); failed=$((failed + nf))
  if [[ $rc -ne 0 && $nf -eq 0 ]]; then failed=$((failed + 1)); fi
done

echo "=== browser tests (Playwright, Chromium) ==="
bash tests/run-node-tests.sh e2e 2>&1 | tee "$LOG/e2e.txt"
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || status=1
count_node "$LOG/e2e.txt"
passed=$((passed + np)); failed=$((failed + nf))
if [[ $rc -ne 0 && $nf -eq 0 ]]; then failed=$((failed + 1)); fi

echo
echo "per back end:"
for k in unit-sqlite unit-postgresql integration-sqlite integration-postgresql; do
  printf '  %-24s %s passed, %s failed\n' "$k" "${per_backend_pass[$k]:-0}" "${per_backend_fail[$k]:-0}"
done
echo "browser (sqlite)           $np passed, $nf failed"
echo
echo "$passed passed, $failed failed"
exit $status
