#!/usr/bin/env bash
# Benchmark of `dangbo clean` on a synthetic messy roster, with the same job done by peers
# (pandas, PostgreSQL) on the same file in the same run. Prints its figures.
#
#   bench/clean.sh [BUILD_DIR]            (default: build)
#
# Environment: ROWS (1000000), RUNS (3: dangbo runs, the median is reported), PEER_RUNS (1),
# PEERS ("pandas pg"; "" for none), SEED (42), DUPS (0: share of re-entered duplicates added),
# THREADS (2), ERROR_SCALE (1: multiplies every injection rate of the messy roster; 0 = a clean
# roster, which measures the cost of checking alone), KEEP=1 keeps the work directory.
#
# 1. `dangbo gen-roster --messy` writes ROWS rows with every kind of dirt at known rates and the
#    ground truth (format: src/quality/messy.hpp).
# 2. `dangbo clean` runs RUNS times on THREADS threads under /usr/bin/time -v: wall time, rows/s,
#    CPU seconds, peak resident memory. Timing on a shared machine varies: the median of the runs
#    is reported, with rows per CPU-second (independent of other load) beside it.
# 3. bench/clean_score.py scores each output against the truth: per kind of error the share found
#    and the share correctly fixed, and the number of correct values changed.
# 4. The peers (bench/peers/clean_pandas.py with Debian's python3-pandas; bench/peers/clean_pg.sh
#    with a throwaway PostgreSQL 15 cluster) do the same job as their users would; their time,
#    memory (pandas: the Python process; PostgreSQL: the server's, sampled) and quality are
#    printed in one table with the ratios to dangbo.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
[[ "$BUILD" = /* ]] || BUILD="$here/$BUILD"
ROWS=${ROWS:-1000000}; RUNS=${RUNS:-3}; PEER_RUNS=${PEER_RUNS:-1}; PEERS=${PEERS-"pandas pg"}
SEED=${SEED:-42}; DUPS=${DUPS:-0}; THREADS=${THREADS:-2}; ERROR_SCALE=${ERROR_SCALE:-1}
DANGBO="$BUILD/dangbo"
[[ -x "$DANGBO" ]] || { echo "bench/clean.sh: $DANGBO not found; build first (make build)" >&2; exit 1; }
work=$(mktemp -d /tmp/clean-bench.XXXXXX)
[[ "${KEEP:-0}" = 1 ]] || trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$here"

echo "== dangbo clean benchmark: $ROWS rows (error scale $ERROR_SCALE), $RUNS runs, $THREADS threads, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
"$DANGBO" --root "$here" gen-roster --messy --members "$ROWS" --seed "$SEED" --duplicates "$DUPS" \
  --error-scale "$ERROR_SCALE" --out "$work/messy.csv" --truth "$work/truth.csv" > "$work/gen.log"
head -1 "$work/gen.log"
echo "   generated in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s; $(du -h "$work/messy.csv" | cut -f1) roster, $(wc -l < "$work/truth.csv") truth lines"
chmod 644 "$work"/*.csv

# /usr/bin/time -v fields → "wall cpu maxrss_kb"
timev() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i] }
  /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
  END { printf "%.3f %.3f %d\n", w, u + s, m }' "$1"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -a walls cpus mems
for r in $(seq 1 "$RUNS"); do
  /usr/bin/time -v -o "$work/time.$r" "$DANGBO" --root "$here" clean "$work/messy.csv" --out "$work/out.csv" \
    --findings "$work/findings.csv" --today 2025-07-01 --threads "$THREADS" > "$work/clean.$r.log"
  read -r w c m < <(timev "$work/time.$r")
  walls+=("$w"); cpus+=("$c"); mems+=("$m")
  printf "   run %d: %.2f s wall, %.2f s CPU, %d MB peak, %s\n" "$r" "$w" "$c" "$((m / 1024))" \
    "$(grep '^Số dòng:' "$work/clean.$r.log")"
done
wall=$(printf '%s\n' "${walls[@]}" | median); cpu=$(printf '%s\n' "${cpus[@]}" | median)
mem=$(printf '%s\n' "${mems[@]}" | sort -n | tail -1)
rows=$(grep '^Số dòng:' "$work/clean.1.log" | awk '{ print $4 }')  # "Số dòng: đọc N = ghi ra W + loại R"
echo "   dangbo: median $(printf '%.2f' "$wall") s → $(echo "$rows / $wall" | bc) rows/s on $THREADS threads;" \
  "$(echo "$rows / $cpu" | bc) rows per CPU-second; peak $((mem / 1024)) MB"
sed -n '/^Phát hiện/,/^Thời gian/p' "$work/clean.1.log" | head -3
echo
/usr/bin/python3 bench/clean_score.py --input "$work/messy.csv" --truth "$work/truth.csv" --out "$work/out.csv" \
  --findings "$work/findings.csv" --name dangbo --json "$work/score.dangbo.json" --examples 2
printf '%s %s %s\n' "$wall" "$cpu" "$mem" > "$work/perf.dangbo"

# ---------------------------------------------------------------- peers
sample_pg_rss() {  # peak RSS (KB) of the postgres processes while $1 runs
  local pid=$1 peak=0 cur
  while kill -0 "$pid" 2>/dev/null; do
    cur=$(ps -u postgres -o rss= 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    (( cur > peak )) && peak=$cur
    sleep 0.5
  done
  echo "$peak"
}
for peer in $PEERS; do
  echo
  declare -a pw=() pc=()
  pm=0
  for r in $(seq 1 "$PEER_RUNS"); do
    case "$peer" in
      pandas)
        /usr/bin/time -v -o "$work/ptime" /usr/bin/python3 bench/peers/clean_pandas.py "$work/messy.csv" \
          "$work/out.$peer.csv" "$work/findings.$peer.csv" data > "$work/$peer.log" 2>&1
        read -r w c m < <(timev "$work/ptime") ;;
      pg)
        /usr/bin/time -v -o "$work/ptime" bash bench/peers/clean_pg.sh "$work/messy.csv" "$work/out.$peer.csv" \
          "$work/findings.$peer.csv" data > "$work/$peer.log" 2>&1 &
        job=$!
        m=$(sample_pg_rss "$job")
        wait "$job"
        read -r w c _ < <(timev "$work/ptime")
        c=0 ;;  # the work happens in the server, not in the timed client
      *) echo "unknown peer $peer" >&2; continue ;;
    esac
    pw+=("$w"); pc+=("$c"); (( m > pm )) && pm=$m
    printf "   %s run %d: %.1f s wall\n" "$peer" "$r" "$w"
  done
  w=$(printf '%s\n' "${pw[@]}" | median); c=$(printf '%s\n' "${pc[@]}" | median)
  printf '%s %s %s\n' "$w" "$c" "$pm" > "$work/perf.$peer"
  tail -1 "$work/$peer.log"
  /usr/bin/python3 bench/clean_score.py --input "$work/messy.csv" --truth "$work/truth.csv" --out "$work/out.$peer.csv" \
    --findings "$work/findings.$peer.csv" --name "$peer" --json "$work/score.$peer.json" --examples 0 | sed -n '/by category/,$p'
done

# ---------------------------------------------------------------- the table
echo
/usr/bin/python3 - "$work" "$rows" dangbo $PEERS <<'PY'
import json, sys
work, rows, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def cat(s, c, what):
    v = s["categories"].get(c)
    return f"{100 * v[what]:.2f}%" if v and v[what] is not None else "—"
print(f"{'tool':8} {'time s':>8} {'rows/s':>9} {'x dangbo':>8} {'peak MB':>8} {'encoding':>9} {'dates':>8} "
      f"{'IDs':>8} {'phones':>8} {'address':>8} {'flags':>8} {'rules':>8} {'correct changed':>16}")
base = None
for t in tools:
    try:
        w, c, m = open(f"{work}/perf.{t}").read().split()
        s = json.load(open(f"{work}/score.{t}.json"))
    except OSError:
        continue
    w, m = float(w), int(m)
    base = base or w
    flags = [v for k, v in s["categories"].items() if k.endswith("/flag") and k != "rules/flag"]
    fl = sum(v["found"] * v["cells"] for v in flags) / max(1, sum(v["cells"] for v in flags))
    print(f"{t:8} {w:8.1f} {rows / w:9.0f} {w / base:8.1f} {m / 1024:8.0f} {cat(s, 'encoding/fix', 'fixed'):>9} "
          f"{cat(s, 'date/fix', 'fixed'):>8} {cat(s, 'id/fix', 'fixed'):>8} {cat(s, 'phone/fix', 'fixed'):>8} "
          f"{cat(s, 'address/fix', 'fixed'):>8} {100 * fl:7.2f}% {cat(s, 'rules/flag', 'found'):>8} "
          f"{s['correct_changed']:>8} of {s['correct_cells']}")
print("fixed = share of spoiled cells (expect=fix) whose output is the true value; flags = share of unfixable cells "
      "(impossible dates, wrong CCCD digits, split wards …) with a finding; rules = record-rule breaches found; "
      "x dangbo = wall time ratio. dangbo time: median of its runs; peers: median of PEER_RUNS.")
PY
