#!/usr/bin/env bash
# Registry benchmark (issue 2): prints its figures.
#  1. `dangbo gen-roster` of N members (default 1,000,000) into a fresh SQLite database:
#     members/s, median of RUNS runs; peer in the same run: sqlite3's own `.import` of the same
#     roster as CSV into a bare table (no keys, no indexes, no history).
#  2. diacritic-free name search over the API under wrk (32 connections, DURATION s):
#     requests/s, p50/p99 latency, and the server's peak memory (VmHWM); peer in the same run:
#     the same searches done the naive way (LIKE '%…%' on an unaccented column) in sqlite3.
# Targets: ≥ 200,000 members/s; search p99 ≤ 50 ms; server peak memory ≤ 300 MB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${DANGBO_BIN:-$ROOT/build/dangbo}"
N="${N:-1000000}"; RUNS="${RUNS:-3}"; DURATION="${DURATION:-20}"; CONNS="${CONNS:-32}"
OUT="${OUT:-$ROOT/bench/out}"
mkdir -p "$OUT"
cd "$ROOT"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== gen-roster: $N members into SQLite, $RUNS runs =="
rates=(); rows_rates=(); index_secs=()
for r in $(seq "$RUNS"); do
  rm -f "$OUT/registry.db"*
  "$BIN" gen-roster --members "$N" --seed 11 --db "sqlite:$OUT/registry.db" >"$OUT/gen.log" 2>/dev/null
  line=$(grep -a '^Đã sinh' "$OUT/gen.log")
  rate=$(sed -E 's/.*\(([0-9]+) đảng viên\/giây\).*/\1/' <<<"$line")
  # where the time goes: the rows (member + membership, keys made on a second thread), then the
  # secondary indexes built by sorting, and the statistics
  phases=$(grep -ao 'bulk load: rows [0-9.]* s, indexes + analyze [0-9.]* s' "$OUT/gen.log" | tail -1)
  rows_s=$(sed -E 's/.*rows ([0-9.]+) s.*/\1/' <<<"$phases"); index_s=$(sed -E 's/.*analyze ([0-9.]+) s.*/\1/' <<<"$phases")
  echo "  run $r: $line; rows $rows_s s, indexes + analyze $index_s s"
  rates+=("$rate"); rows_rates+=("$(awk -v n="$N" -v t="$rows_s" 'BEGIN {printf "%d", n / t}')"); index_secs+=("$index_s")
done
gen_rate=$(printf '%s\n' "${rates[@]}" | median)
rows_rate=$(printf '%s\n' "${rows_rates[@]}" | median); index_sec=$(printf '%s\n' "${index_secs[@]}" | median)

echo "== peer: sqlite3 .import of the same roster as CSV =="
"$BIN" gen-roster --members "$N" --seed 11 --out "$OUT/roster.csv" >/dev/null 2>&1
peer_rates=()
for r in $(seq "$RUNS"); do
  rm -f "$OUT/peer.db"
  t0=$(date +%s.%N)
  sqlite3 "$OUT/peer.db" -cmd ".mode csv" ".import $OUT/roster.csv roster" 2>/dev/null
  t1=$(date +%s.%N)
  peer_rates+=("$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", n / (b - a)}')")
done
peer_rate=$(printf '%s\n' "${peer_rates[@]}" | median)

echo "== search under wrk: $CONNS connections, $DURATION s =="
PORT=$((20000 + RANDOM % 20000))
printf 'benchpassword1\n' | "$BIN" user add bench --role admin --org HCM --db "sqlite:$OUT/registry.db" >/dev/null 2>&1 || true
export DANGBO_TOKEN=$("$BIN" token create --user bench --db "sqlite:$OUT/registry.db")
"$BIN" serve --db "sqlite:$OUT/registry.db" --listen "127.0.0.1:$PORT" --api-rate 1000000 > "$OUT/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
# Searches are answered from the in-memory name index once it is built (SQL until then).
for _ in $(seq 600); do grep -q 'name index built' "$OUT/serve.log" && break; sleep 0.5; done
echo "  $(grep -o 'name index built.*' "$OUT/serve.log" | tail -1)"
wrk -t2 -c"$CONNS" -d5s -s bench/search.lua "http://127.0.0.1:$PORT" >/dev/null 2>&1 || true   # warm-up
res=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s bench/search.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
echo "  $res"
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
kill -TERM $SPID; wait $SPID 2>/dev/null || true
trap - EXIT

echo "== peer: the same searches as LIKE '%…%' over an unaccented column (sqlite3) =="
peer_ms=()
for q in "nguyen van an" "tran thi" "le minh" "pham van hung" "hoang thi lan"; do
  t0=$(date +%s.%N)
  sqlite3 "$OUT/registry.db" "SELECT id FROM member WHERE search_key LIKE '%$q%' ORDER BY sort_key LIMIT 50" >/dev/null
  t1=$(date +%s.%N)
  peer_ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) * 1000}')")
done
peer_search_ms=$(printf '%s\n' "${peer_ms[@]}" | median)

p99=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$res")
p50=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$res")
rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$res")
echo
echo "| figure | dangbo | peer | ratio | target |"
echo "|---|---|---|---|---|"
printf '| load, members/s (median of %s) | %s | %s (sqlite3 .import, bare CSV) | %.2f× | ≥ 200000 |\n' "$RUNS" "$gen_rate" "$peer_rate" "$(awk -v a="$gen_rate" -v b="$peer_rate" 'BEGIN {print a / b}')"
printf '| of which the rows alone, members/s (median) | %s | | %.2f× | |\n' "$rows_rate" "$(awk -v a="$rows_rate" -v b="$peer_rate" 'BEGIN {print a / b}')"
printf '| of which the 11 secondary indexes + statistics, s (median) | %s | | | |\n' "$index_sec"
printf '| search p50 / p99, ms (wrk, %s conns) | %s / %s | %s (one LIKE query, median) | %.1f× faster at p50 | p99 ≤ 50 |\n' "$CONNS" "$p50" "$p99" "$peer_search_ms" "$(awk -v a="$p50" -v b="$peer_search_ms" 'BEGIN {print b / a}')"
printf '| search requests/s | %s | | | |\n' "$rps"
printf '| server peak memory, MB | %s | | | ≤ 300 |\n' "$(awk -v k="$hwm_kb" 'BEGIN {printf "%.0f", k / 1024}')"
