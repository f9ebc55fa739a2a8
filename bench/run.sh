#!/usr/bin/env bash
# `make bench`: every benchmark in turn, each printing its own figures and its peers measured in
# the same run. Run on a quiet machine (the figures are wall-clock); a long run.
#   bench/run.sh [BUILD_DIR]          (default: build)
# BENCHES chooses which, in this order by default:
#   registry     gen-roster of 1,000,000 into SQLite, name search under wrk   (issue 2, ≈ 2 min)
#   export       CSV export of 100,000 members                                   (≈ 1 min)
#   clean        data cleaning of 1,000,000 messy rows, with pandas/PostgreSQL  (issue 4)
#   dedupe       record linkage with known duplicates, with peers               (issue 5)
#   restructure  the 2025 plan of Ho Chi Minh City, and as-of queries           (issue 6)
#   pg           6,000,000 members on PostgreSQL, the staff mix                 (issue 7, ≈ 20 min)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
cd "$ROOT"
status=0
for b in ${BENCHES:-registry export clean dedupe restructure pg}; do
  echo "################ bench/$b.sh"
  case "$b" in
    registry|pg|dedupe) DANGBO_BIN="$ROOT/$BUILD/dangbo" bash "bench/$b.sh" || status=1 ;;
    *) bash "bench/$b.sh" "$BUILD" || status=1 ;;
  esac
done
exit $status
