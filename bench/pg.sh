#!/usr/bin/env bash
# National-scale benchmark on PostgreSQL (issue 7); prints its figures.
#  1. N_PG generated members (default 6,000,000) loaded into PostgreSQL with COPY: members/s.
#  2. wrk on loopback, DURATION s, CONNS connections, signed-in staff mixing organization pages,
#     searches and edits (bench/mix.lua): requests/s and p99 for
#       a. one process on SQLite (N_SQLITE members, default 1,000,000),
#       b. one process on PostgreSQL (N_PG members),
#       c. two processes on the same PostgreSQL (wrk drives both at once, CONNS/2 each).
#     Plus the search-only p99 on PostgreSQL (bench/search.lua).
# Targets: search p99 ≤ 100 ms at 6 M members; two processes ≥ 1.6 × one.
# A throwaway cluster (scripts/pg-cluster.sh) is started in OUT and stopped at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${DANGBO_BIN:-$ROOT/build/dangbo}"
N_PG="${N_PG:-6000000}"; N_SQLITE="${N_SQLITE:-1000000}"; DURATION="${DURATION:-20}"; CONNS="${CONNS:-32}"
OUT="${OUT:-$ROOT/bench/out}"
mkdir -p "$OUT"
cd "$ROOT"
PGDIR="$OUT/pg"
bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
# shared_buffers: the 6,000,000-member database with its indexes is several GB (its size is
# printed after the load); with the test
# default (256 MB) every search walk copies pages in from the OS cache. docs/operations.md sizes
# production at 16 GB; here PG_SHARED_BUFFERS (default 6GB, the machine has 24 GB).
ADMIN=$(PGTEST_PORT=55433 PGTEST_SHARED_BUFFERS="${PG_SHARED_BUFFERS:-6GB}" bash scripts/pg-cluster.sh start "$PGDIR")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
psql "$ADMIN" -qc "CREATE DATABASE bench"
PGURL="${ADMIN/\/postgres\?//bench?}"

echo "== load: $N_PG members into PostgreSQL with COPY =="
line=$("$BIN" gen-roster --members "$N_PG" --seed 21 --db "$PGURL" 2>/dev/null | grep '^Đã sinh')
echo "  $line"
pg_rate=$(sed -E 's/.*\(([0-9]+) đảng viên\/giây\).*/\1/' <<<"$line")
echo "  database size: $(psql "$PGURL" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))"), shared_buffers $(psql "$PGURL" -Atc "SHOW shared_buffers")"

if [[ ! -f "$OUT/sqlite-$N_SQLITE.db" ]]; then
  echo "== load: $N_SQLITE members into SQLite =="
  "$BIN" gen-roster --members "$N_SQLITE" --seed 21 --db "sqlite:$OUT/sqlite-$N_SQLITE.db" 2>/dev/null | grep '^Đã sinh'
fi
SQLITE="sqlite:$OUT/sqlite-$N_SQLITE.db"

prepare() {  # DB → token in DANGBO_TOKEN, mix file
  printf 'benchpassword1\n' | "$BIN" user add bench --role admin --org HCM --db "$1" >/dev/null 2>&1 || true
  export DANGBO_TOKEN=$("$BIN" token create --user bench --db "$1")
}
start() {  # DB PORT → pid in $p, also remembered for the cleanup (not run in a subshell, so PIDS keeps it)
  "$BIN" serve --db "$1" --listen "127.0.0.1:$2" --workers "${WORKERS:-8}" --api-rate 1000000 > "$OUT/serve-$2.log" 2>&1 &
  p=$!; PIDS+=("$p")
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null || { echo "server on port $2 did not start:" >&2; tail -3 "$OUT/serve-$2.log" >&2; exit 1; }
  # Searches are answered from the in-memory name index once it is built (SQL until then).
  for _ in $(seq 1200); do grep -q 'name index built' "$OUT/serve-$2.log" && break; sleep 0.5; done
  echo "  port $2: $(grep -o 'name index built.*' "$OUT/serve-$2.log" | tail -1); resident $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$p/status")"
}
mixfile() {  # PORT → writes $OUT/mix.txt
  local base="http://127.0.0.1:$1"
  curl -sf -H "Authorization: Bearer $DANGBO_TOKEN" "$base/api/v1/organizations?kind=commune_committee&parent=HCM&limit=1000" \
    | python3 -c 'import json,sys; [print("org", o["code"]) for o in json.load(sys.stdin)["items"]]' > "$OUT/mix.txt"
  curl -sf -H "Authorization: Bearer $DANGBO_TOKEN" "$base/api/v1/members?q=nguyen&limit=500" \
    | python3 -c 'import json,sys; [print("member", m["id"]) for m in json.load(sys.stdin)["items"]]' >> "$OUT/mix.txt"
  export DANGBO_MIX_FILE="$OUT/mix.txt"
}
run_wrk() {  # SCRIPT CONNS URL → RESULT line
  wrk -t2 -c"$2" -d"${DURATION}s" --timeout 10s -s "$1" "$3" | grep '^RESULT'
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

declare -A R
echo "== a. one process on SQLite ($N_SQLITE members) =="
prepare "$SQLITE"; start "$SQLITE" 18081; mixfile 18081
wrk -t2 -c"$CONNS" -d3s -s bench/mix.lua http://127.0.0.1:18081 >/dev/null 2>&1 || true
R[sqlite]=$(run_wrk bench/mix.lua "$CONNS" http://127.0.0.1:18081); echo "  ${R[sqlite]}"
kill -TERM "$p"; wait "$p" 2>/dev/null || true

echo "== b. one process on PostgreSQL ($N_PG members) =="
prepare "$PGURL"; start "$PGURL" 18082; mixfile 18082
wrk -t2 -c"$CONNS" -d3s -s bench/mix.lua http://127.0.0.1:18082 >/dev/null 2>&1 || true
R[pg1]=$(run_wrk bench/mix.lua "$CONNS" http://127.0.0.1:18082); echo "  ${R[pg1]}"
R[search]=$(run_wrk bench/search.lua "$CONNS" http://127.0.0.1:18082); echo "  search only: ${R[search]}"

echo "== c. two processes on the same PostgreSQL =="
p1=$p; start "$PGURL" 18083; p2=$p
half=$((CONNS / 2))
run_wrk bench/mix.lua "$half" http://127.0.0.1:18082 > "$OUT/w1.txt" &
w1=$!
run_wrk bench/mix.lua "$half" http://127.0.0.1:18083 > "$OUT/w2.txt" &
w2=$!
wait $w1 $w2
r1=$(cat "$OUT/w1.txt"); r2=$(cat "$OUT/w2.txt"); echo "  $r1"; echo "  $r2"
for q in $p1 $p2; do echo "  server $q peak memory $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$q/status")"; done
rps2=$(awk -v a="$(field rps "$r1")" -v b="$(field rps "$r2")" 'BEGIN {print a + b}')
p99_2=$(awk -v a="$(field p99_ms "$r1")" -v b="$(field p99_ms "$r2")" 'BEGIN {print (a > b ? a : b)}')

echo
echo "| figure | value | target |"
echo "|---|---|---|"
echo "| COPY load into PostgreSQL, members/s | $pg_rate | |"
echo "| mix, 1 process, SQLite ($N_SQLITE): req/s, p99 ms | $(field rps "${R[sqlite]}"), $(field p99_ms "${R[sqlite]}") | |"
echo "| mix, 1 process, PostgreSQL ($N_PG): req/s, p99 ms | $(field rps "${R[pg1]}"), $(field p99_ms "${R[pg1]}") | |"
echo "| mix, 2 processes, PostgreSQL: req/s, p99 ms | $rps2, $p99_2 | ≥ 1.6 × one |"
echo "| ratio 2 processes / 1 | $(awk -v a="$rps2" -v b="$(field rps "${R[pg1]}")" 'BEGIN {printf "%.2f", a / b}') | ≥ 1.6 |"
echo "| search only, PostgreSQL ($N_PG): req/s, p99 ms | $(field rps "${R[search]}"), $(field p99_ms "${R[search]}") | p99 ≤ 100 |"
echo "(2 cores shared by wrk, the server processes and PostgreSQL)"
