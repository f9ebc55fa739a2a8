#!/usr/bin/env bash
# Builds the quality module's libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined,
# in their own build directory) and runs each for a bounded time on a copy of its seed corpus
# (fuzz/corpus/quality_*; new inputs go to BUILD/corpus/NAME, crashes to BUILD/artifacts/NAME).
#   fuzz/quality_run.sh [SECONDS_PER_TARGET (60)] [BUILD_DIR (build-fuzz-quality)]
# Exits non-zero when a target crashes, leaks or trips a sanitizer.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-60}"; BUILD="${2:-$ROOT/build-fuzz-quality}"
mkdir -p "$BUILD/obj"
CXX=${CXX:-clang++}
FLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr
       -fno-sanitize-recover=undefined -I"$ROOT/src" $(pkg-config --cflags icu-uc libzip))
LIBS=($(pkg-config --libs icu-i18n icu-uc libzip) -lpugixml -lfmt -lboost_json)
# The code under test, compiled once with coverage and sanitizers (ccache is not used: the
# flags differ from the main build's).
srcs=("$ROOT"/src/vntext/*.cpp "$ROOT/src/base/date.cpp" "$ROOT/src/quality/csv_reader.cpp"
      "$ROOT/src/quality/xlsx_reader.cpp" "$ROOT/src/quality/mapping.cpp" "$ROOT/src/quality/fields.cpp"
      "$ROOT/src/quality/finding.cpp")
objs=()
for s in "${srcs[@]}"; do
  o="$BUILD/obj/$(basename "$(dirname "$s")")_$(basename "$s" .cpp).o"
  if [[ ! -f "$o" || "$s" -nt "$o" ]]; then
    echo "compile $(basename "$s")"
    "$CXX" "${FLAGS[@]}" -c "$s" -o "$o" || exit 1
  fi
  objs+=("$o")
done
status=0
for t in csv xlsx encoding; do
  bin="$BUILD/quality_${t}_fuzz"
  "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "$ROOT/fuzz/quality_${t}_fuzz.cpp" "${objs[@]}" "${LIBS[@]}" -o "$bin" || exit 1
  work="$BUILD/corpus/$t"; art="$BUILD/artifacts/$t/"
  mkdir -p "$work" "$art"
  echo "=== quality_${t}_fuzz: ${SECS}s, seeds in fuzz/corpus/quality_$t ==="
  "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$art" "$work" "$ROOT/fuzz/corpus/quality_$t" 2>&1 | tail -n 12
  rc=${PIPESTATUS[0]}
  if (( rc != 0 )); then
    echo "quality_${t}_fuzz FAILED (exit $rc); reproduce with: $bin $art<crash-file>" >&2
    status=1
  else
    echo "quality_${t}_fuzz: no crash"
  fi
done
exit $status
