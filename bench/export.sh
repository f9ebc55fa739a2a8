#!/usr/bin/env bash
# Member export benchmark: prints its figures (no targets asserted).
#  1. A SQLite database of N members (`dangbo gen-roster`, seed 3), or the one named by DB.
#  2. `dangbo serve` on it; GET /orgs/CODE/export.csv (the whole city by default) as an
#     administrator, RUNS times after one warm-up: rows/s from curl's total time, median reported;
#     the row count is checked against the X-Row-Count header and the lines received. The largest
#     ward's export is timed too (median of RUNS).
#  3. Peer in the same run: sqlite3's own `.mode csv` dump of the same rows (the subtree's members
#     on the rolls) and columns, in the same order (sort key, id), from the same database file,
#     to a file; median of RUNS. The peer writes stored values (ISO dates, "male", "full"), the
#     export their Vietnamese display forms; otherwise the same work.
#
#   bench/export.sh [BUILD_DIR]       (default: build)
#
# Environment: N (100000), RUNS (3), ORG (HCM), DB (sqlite:FILE of an existing database; then N
# is what it holds), KEEP=1 keeps the work directory. Run it niced on a shared machine:
#   nice -n 19 bash bench/export.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=${1:-build}
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
BIN="${DANGBO_BIN:-$BUILD/dangbo}"
N="${N:-100000}"; RUNS="${RUNS:-3}"; ORG="${ORG:-HCM}"
[[ -x "$BIN" ]] || { echo "bench/export.sh: $BIN not found; build first" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench/export.sh: sqlite3 not found (apt-get install sqlite3)" >&2; exit 1; }
work=$(mktemp -d /tmp/export-bench.XXXXXX)
SPID=""
cleanup() {
  [[ -n "$SPID" ]] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  [[ "${KEEP:-0}" = 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
cd "$ROOT"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [[ -n "${DB:-}" ]]; then
  url="$DB"
else
  url="sqlite:$work/x.db"
  echo "== gen-roster: $N members (seed 3) into $url"
  "$BIN" gen-roster --members "$N" --seed 3 --db "$url" 2>/dev/null | grep '^Đã sinh' | sed 's/^/   /'
fi
file="${url#sqlite:}"
[[ "$url" == sqlite:* && -f "$file" ]] || { echo "bench/export.sh: DB must be sqlite:FILE of an existing file" >&2; exit 1; }

# The subtree of ORG and the members on the rolls in it (what the export lists, unfiltered).
path=$(sqlite3 "$file" "SELECT path FROM organization WHERE code = '$ORG' AND valid_to IS NULL")
[[ -n "$path" ]] || { echo "bench/export.sh: no organization $ORG" >&2; exit 1; }
end="${path%/}0"
where="m.org_path >= '$path' AND m.org_path < '$end' AND m.status IN ('probationary','full','exempted')"
rows=$(sqlite3 "$file" "SELECT count(*) FROM member m WHERE $where")
ward=$(sqlite3 "$file" "SELECT o.code FROM organization o JOIN member m ON m.org_path >= o.path AND m.org_path < substr(o.path, 1, length(o.path) - 1) || '0' WHERE o.kind = 'commune_committee' AND o.valid_to IS NULL GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
ward_rows=$(sqlite3 "$file" "SELECT count(*) FROM member m JOIN organization o ON o.code = '$ward' AND o.valid_to IS NULL WHERE m.org_path >= o.path AND m.org_path < substr(o.path, 1, length(o.path) - 1) || '0' AND m.status IN ('probationary','full','exempted')")
echo "== export of $ORG ($rows members on the rolls; largest ward $ward: $ward_rows), $RUNS runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

printf 'bench-password-1\n' | "$BIN" user add exportbench --role admin --org HCM --db "$url" >/dev/null 2>&1 || true
TOKEN=$("$BIN" token create --user exportbench --db "$url" 2>/dev/null | tail -1)
PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --db "$url" --listen "127.0.0.1:$PORT" --no-demo --api-rate 1000000 --request-timeout 600 > "$work/serve.log" 2>&1 &
SPID=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# GET CODE's export once: prints "seconds rows_in_header lines_received".
export_once() {
  local t
  t=$(curl -s -o "$work/out.csv" -D "$work/headers" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/orgs/$1/export.csv")
  echo "$t $(tr -d '\r' < "$work/headers" | awk -F': ' 'tolower($1) == "x-row-count" {print $2}') $(($(wc -l < "$work/out.csv") - 1))"
}

export_once "$ORG" > /dev/null   # warm-up: page cache, name index build
times=()
for r in $(seq "$RUNS"); do
  read -r t hdr lines < <(export_once "$ORG")
  [[ "$hdr" == "$rows" && "$lines" == "$rows" ]] || { echo "bench/export.sh: run $r: $hdr rows in the header, $lines received, $rows expected" >&2; exit 1; }
  printf '   run %d: %.3f s, %d rows, %.0f rows/s\n' "$r" "$t" "$rows" "$(awk -v n="$rows" -v t="$t" 'BEGIN {print n / t}')"
  times+=("$t")
done
t_med=$(printf '%s\n' "${times[@]}" | median)
size=$(stat -c %s "$work/out.csv")
wtimes=()
for r in $(seq "$RUNS"); do
  read -r t hdr lines < <(export_once "$ward")
  [[ "$hdr" == "$ward_rows" ]] || { echo "bench/export.sh: ward $ward: $hdr rows, $ward_rows expected" >&2; exit 1; }
  wtimes+=("$t")
done
w_med=$(printf '%s\n' "${wtimes[@]}" | median)
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
kill "$SPID"; wait "$SPID" 2>/dev/null || true; SPID=""

echo "== peer: sqlite3 .mode csv of the same rows and columns, same order"
peer_sql="SELECT m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, m.status, m.admitted_on,
  m.full_member_on, m.card_number, o.code, o.name FROM member m JOIN organization o ON o.id = m.org_id
  WHERE $where ORDER BY m.sort_key, m.id"
ptimes=()
for r in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  sqlite3 -cmd ".mode csv" -cmd ".headers on" "$file" "$peer_sql" > "$work/peer.csv"
  t1=$(date +%s.%N)
  plines=$(($(wc -l < "$work/peer.csv") - 1))
  [[ "$plines" == "$rows" ]] || { echo "bench/export.sh: peer wrote $plines rows, $rows expected" >&2; exit 1; }
  ptimes+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
  printf '   run %d: %s s\n' "$r" "${ptimes[-1]}"
done
p_med=$(printf '%s\n' "${ptimes[@]}" | median)

rate=$(awk -v n="$rows" -v t="$t_med" 'BEGIN {printf "%.0f", n / t}')
prate=$(awk -v n="$rows" -v t="$p_med" 'BEGIN {printf "%.0f", n / t}')
wrate=$(awk -v n="$ward_rows" -v t="$w_med" 'BEGIN {printf "%.0f", n / t}')
echo
echo "| figure | dangbo | peer (sqlite3 .mode csv) | dangbo / peer |"
echo "|---|---|---|---|"
printf '| %s export, %s rows: s (median of %s) | %.3f | %.3f | %.2f× the time |\n' "$ORG" "$rows" "$RUNS" "$t_med" "$p_med" "$(awk -v a="$t_med" -v b="$p_med" 'BEGIN {print a / b}')"
printf '| %s export, rows/s | %s | %s | %.2f |\n' "$ORG" "$rate" "$prate" "$(awk -v a="$rate" -v b="$prate" 'BEGIN {print a / b}')"
printf '| largest ward %s, %s rows: s (median) / rows/s | %.3f / %s | | |\n' "$ward" "$ward_rows" "$w_med" "$wrate"
printf '| CSV size, MB | %.1f | %.1f | |\n' "$(awk -v b="$size" 'BEGIN {print b / 1048576}')" "$(awk -v b="$(stat -c %s "$work/peer.csv")" 'BEGIN {print b / 1048576}')"
printf '| server peak memory, MB | %.0f | | |\n' "$(awk -v k="$hwm_kb" 'BEGIN {print k / 1024}')"
