#!/usr/bin/env bash
# Restructuring benchmarks (issue 6). Prints the figures and a table against the targets:
#   1. the whole 2025 plan of Ho Chi Minh City (the real old → new mapping: 442 old units into
#      168, 47 of them split, 37 districts dissolved, three provinces merged) applied with
#      N members (default 500,000) by `dangbo restructure apply` on a database prepared with the
#      tree of 2025-06-30: wall time and peak memory of that process (targets ≤ 10 s, ≤ 500 MB);
#      the result is then verified (168 units, every member placed);
#   2. an as_of tree query at national size: a generated national tree (ORGS, default 315,000,
#      gives ≈ 300,000 organizations valid on 2025-06-30: 63 provinces, 696 districts, 10,035
#      communes and their grassroots organizations and cells) with NAT_MEMBERS members (default
#      1,000,000), the whole country's 2025 plan applied on top (≈ 600,000 organization rows in
#      all), then QUERIES random queries "children of an organization with member counts as of a
#      day", through the history tables: p50/p99 (target p99 ≤ 100 ms).
# Usage: bench/restructure.sh [BUILD_DIR]     env: N, ORGS, NAT_MEMBERS, QUERIES, KEEP=1
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-${BUILD:-build}}"
cd "$ROOT"
N=${N:-500000}
ORGS=${ORGS:-315000}
NAT_MEMBERS=${NAT_MEMBERS:-1000000}
QUERIES=${QUERIES:-2000}
OUT=$(mktemp -d /tmp/dangbo-bench-restructure.XXXXXX)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$OUT"' EXIT

if [[ ! -x "$BUILD/dangbo" || ! -x "$BUILD/restructure_bench" ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$BUILD" dangbo restructure_bench >/dev/null
fi
BIN="$BUILD/dangbo"
RB="$BUILD/restructure_bench"
export DANGBO_ROOT="$ROOT"

echo "== 1. the 2025 plan of Ho Chi Minh City with $N members =="
"$RB" prepare-2025 --db "sqlite:$OUT/hcm.db" --members "$N" --plan "$OUT/plan-2025.csv" 2>&1 | grep -v '\[info\]' || true
/usr/bin/time -v "$BIN" restructure apply "$OUT/plan-2025.csv" --db "sqlite:$OUT/hcm.db" >"$OUT/apply.out" 2>"$OUT/apply.err"
cat "$OUT/apply.out"
grep 'restructure apply plan' "$OUT/apply.err" | sed 's/^.*\] //' || true
apply_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$OUT/apply.err")
apply_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/apply.err")
apply_cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$OUT/apply.err")
apply_io=$(awk -F': ' '/File system outputs/ {printf "%.0f", $2 * 512 / 1048576}' "$OUT/apply.err")
load=$(cut -d' ' -f1-3 /proc/loadavg)
if "$RB" verify-2025 --db "sqlite:$OUT/hcm.db" >"$OUT/verify.out" 2>&1; then verified=0; else verified=1; fi
grep -v '\[info\]' "$OUT/verify.out" || true

echo
echo "== 2. as_of tree queries at national size: about $ORGS organizations, $NAT_MEMBERS members =="
"$RB" national --db "sqlite:$OUT/national.db" --orgs "$ORGS" --members "$NAT_MEMBERS" --queries "$QUERIES" 2>&1 | grep -v '\[info\]' | tee "$OUT/national.out"
p99=$(awk -F= '/^QUERY_P99_MS=/ {print $2}' "$OUT/national.out")

echo
echo "| measure | value | target |"
echo "|---|---|---|"
printf '| 2025 plan applied, %s members: wall time (dangbo restructure apply) | %.1f s | ≤ 10 s |\n' "$N" "$apply_s"
printf '| same: CPU time (user + system); bytes written | %s s; %s MB | |\n' "$apply_cpu" "$apply_io"
printf '| same: peak memory of the process | %.0f MB | ≤ 500 MB |\n' "$(awk -v k="$apply_kb" 'BEGIN {print k / 1024}')"
printf '| result verified (168 units, every member placed, 441 on 2025-06-30) | %s | yes |\n' "$([[ $verified -eq 0 ]] && echo yes || echo NO)"
printf '| as_of tree query (children with member counts), national size: p99 | %s ms | ≤ 100 ms |\n' "$p99"
echo "(SQLite, one file; machine: $(nproc) cores shared with other work; load average during the apply: $load)"
