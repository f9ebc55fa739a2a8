#!/usr/bin/env bash
# Record-linkage benchmark (issue 5): prints precision, recall and F1 at the chosen threshold,
# time and peak memory, with peers on the same data in the same run.
#
#   bench/dedupe.sh            (N=1000000 RATE=0.05 RUNS=3 SMALL=100000 NATIONAL=6000000)
#
#  1. Data with known duplicates, N rows of which RATE are extra re-entered copies:
#     a. the data-cleaning generator: dangbo gen-roster --messy --duplicates (truth: its clusters);
#     b. bench/dedupe_gen: harder re-entry (typos, sound-alike spellings, swapped dates, old IDs,
#        new phones, missing middle names, reordered names; see its header).
#  2. `dangbo dedupe DATA.csv --out PAIRS.csv` RUNS times: median wall time, user+sys CPU, peak
#     memory (VmHWM), pairs compared after blocking; precision/recall/F1 of the pairs at the
#     threshold (0.95) and of the clusters they make.
#  3. Peers on the same files: pandas + jellyfish (bench/peers/dedupe_pandas.py) and PostgreSQL
#     with pg_trgm (bench/peers/dedupe_pg.sh, a throwaway cluster), with ratios. The trigram
#     self-join grows quadratically and is run at SMALL rows; at N it is given PG_TIMEOUT s.
#  4. National size: NATIONAL rows (generator a), one run: time, memory, pairs after blocking.
# Targets: F1 ≥ 0.98 at N = 1,000,000 with 5 % duplicates; ≤ 60 s on 2 cores within 2 GB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${DANGBO_BIN:-$ROOT/build/dangbo}"
GEN2="${DEDUPE_GEN_BIN:-$(dirname "$BIN")/dedupe_gen}"
N="${N:-1000000}"; RATE="${RATE:-0.05}"; RUNS="${RUNS:-3}"; SMALL="${SMALL:-100000}"
NATIONAL="${NATIONAL:-6000000}"; PG_TIMEOUT="${PG_TIMEOUT:-900}"; THRESHOLD="${THRESHOLD:-0.95}"
OUT="${OUT:-$ROOT/bench/out}"
PY=/usr/bin/python3
mkdir -p "$OUT"; chmod 755 "$OUT"
cd "$ROOT"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# members argument for the quality generator: rows = members · (1 + rate)
members_for() { awk -v n="$1" -v r="$RATE" 'BEGIN {printf "%d", n / (1 + r) + 0.5}'; }
evalf() {  # truth pairs threshold → "precision recall f1 cluster_f1"
  if [[ ! -s "$2" ]]; then echo "- - - -"; return; fi
  $PY bench/dedupe_eval.py --truth "$1" --pairs "$2" --threshold "$3" --json |
    $PY -c 'import json,sys; d=json.load(sys.stdin); p=d["pairs"]; c=d["clusters"]; print("%.4f %.4f %.4f %.4f" % (p["precision"], p["recall"], p["f1"], c["f1"]))'
}
# timed RESULTFILE CMD… : runs CMD under /usr/bin/time, appends "wall cpu rss_mib" to RESULTFILE
timed() {  # returns the command's exit status
  local res=$1 rc=0; shift
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" || rc=$?
  grep -v '^Command' "$OUT/time.txt" | tail -1 | awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' >> "$res"
  return $rc
}

declare -A ROW
report=()
add_row() { report+=("$(printf '%-10s %-22s %9s %9s %9s %8s %12s %8s %8s %8s %8s' "$@")"); }

run_set() {  # name csv truth rows
  local name=$1 csv=$2 truth=$3 rows=$4
  echo "== $name: dangbo dedupe, $RUNS runs =="
  : > "$OUT/$name.dangbo.times"
  for r in $(seq "$RUNS"); do
    timed "$OUT/$name.dangbo.times" "$BIN" dedupe "$csv" --out "$OUT/$name.pairs.csv" --threshold "$THRESHOLD" \
      --summary "$OUT/$name.summary.json" --model "$OUT/$name.model.json" > "$OUT/$name.dangbo.log" 2>&1
    echo "  run $r: $(tail -1 "$OUT/$name.dangbo.times") (wall s, cpu s, MiB)"
  done
  local wall cpu rss cmp q
  wall=$(awk '{print $1}' "$OUT/$name.dangbo.times" | median)
  cpu=$(awk '{print $2}' "$OUT/$name.dangbo.times" | median)
  rss=$(awk '{print $3}' "$OUT/$name.dangbo.times" | median)
  cmp=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["compared_pairs"])' "$OUT/$name.summary.json")
  q=$(evalf "$truth" "$OUT/$name.pairs.csv" "$THRESHOLD")
  grep -E "^  rule|^compared" "$OUT/$name.dangbo.log" | sed 's/^/  /'
  ROW[$name]=$wall
  add_row "$name" "dangbo" "$rows" "$wall" "$cpu" "$rss" "$cmp" $q
  add_row "" "" "" "1.00×" "" "" "" "" "" "" ""

  echo "== $name: peer pandas + jellyfish =="
  : > "$OUT/$name.pandas.times"
  timed "$OUT/$name.pandas.times" $PY -W ignore bench/peers/dedupe_pandas.py "$csv" "$OUT/$name.pandas.csv" || true
  read -r pw pc pr < "$OUT/$name.pandas.times"
  q=$(evalf "$truth" "$OUT/$name.pandas.csv" 0.5)
  add_row "" "pandas+jellyfish" "$rows" "$pw" "$pc" "$pr" "" $q
  add_row "" "" "" "$(awk -v a="$pw" -v b="$wall" 'BEGIN {printf "%.1f×", a / b}')" "" "" "" "" "" "" ""

  local to=$PG_TIMEOUT
  [[ $rows -le $SMALL ]] && to=$((PG_TIMEOUT * 4))
  echo "== $name: peer PostgreSQL pg_trgm (timeout ${to} s) =="
  : > "$OUT/$name.pg.times"
  if timed "$OUT/$name.pg.times" bench/peers/dedupe_pg.sh "$csv" "$OUT/$name.pg.csv" "$to"; then
    read -r gw gc gr < "$OUT/$name.pg.times"
    q=$(evalf "$truth" "$OUT/$name.pg.csv" 0.5)
    add_row "" "postgres pg_trgm" "$rows" "$gw" "$gc" "$gr" "" $q
    add_row "" "" "" "$(awk -v a="$gw" -v b="$wall" 'BEGIN {printf "%.1f×", a / b}')" "" "" "" "" "" "" ""
  else
    add_row "" "postgres pg_trgm" "$rows" ">$to" "" "" "" "(join not finished)" "" "" ""
  fi
}

echo "== data =="
"$BIN" gen-roster --messy --members "$(members_for "$N")" --duplicates "$RATE" --seed 7 \
  --out "$OUT/q_big.csv" --truth "$OUT/q_big.truth" > /dev/null
"$BIN" gen-roster --messy --members "$(members_for "$SMALL")" --duplicates "$RATE" --seed 8 \
  --out "$OUT/q_small.csv" --truth "$OUT/q_small.truth" > /dev/null
rows_big=$(($(wc -l < "$OUT/q_big.csv") - 1)); rows_small=$(($(wc -l < "$OUT/q_small.csv") - 1))
echo "  gen-roster --messy: $rows_big and $rows_small rows"
have_gen2=0
if [[ -x "$GEN2" ]]; then
  "$GEN2" --members "$N" --duplicates "$RATE" --seed 7 --out "$OUT/g_big.csv" --truth "$OUT/g_big.truth" --root "$ROOT"
  have_gen2=1
fi

run_set "messy-${rows_small}" "$OUT/q_small.csv" "$OUT/q_small.truth" "$rows_small"
run_set "messy-${rows_big}" "$OUT/q_big.csv" "$OUT/q_big.truth" "$rows_big"
if [[ $have_gen2 -eq 1 ]]; then run_set "reentry-$N" "$OUT/g_big.csv" "$OUT/g_big.truth" "$N"; fi

nat_line=""
if [[ "$NATIONAL" -gt 0 ]]; then
  echo "== national size: $NATIONAL rows, one run =="
  "$BIN" gen-roster --messy --members "$(members_for "$NATIONAL")" --duplicates "$RATE" --seed 9 \
    --out "$OUT/q_nat.csv" --truth "$OUT/q_nat.truth" > /dev/null
  rows_nat=$(($(wc -l < "$OUT/q_nat.csv") - 1))
  : > "$OUT/nat.times"
  timed "$OUT/nat.times" "$BIN" dedupe "$OUT/q_nat.csv" --out "$OUT/nat.pairs.csv" --threshold "$THRESHOLD" \
    --summary "$OUT/nat.summary.json" > "$OUT/nat.log" 2>&1
  read -r nw nc nr < "$OUT/nat.times"
  ncmp=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["compared_pairs"])' "$OUT/nat.summary.json")
  grep -E "^  rule|^compared|seconds" "$OUT/nat.log" | sed 's/^/  /'
  q=$(evalf "$OUT/q_nat.truth" "$OUT/nat.pairs.csv" "$THRESHOLD")
  add_row "national" "dangbo" "$rows_nat" "$nw" "$nc" "$nr" "$ncmp" $q
  rm -f "$OUT/q_nat.csv" "$OUT/nat.pairs.csv"
fi

echo
echo "== results (threshold $THRESHOLD for dangbo; peers' rules are yes/no) =="
printf '%-10s %-22s %9s %9s %9s %8s %12s %8s %8s %8s %8s\n' "data" "tool" "records" "wall s" "cpu s" "MiB" \
  "pairs cmp" "prec" "recall" "F1" "clust F1"
for line in "${report[@]}"; do echo "$line"; done
echo "(ratio rows: the peer's wall time over dangbo's on the same data; wall time on a shared 2-core machine)"
