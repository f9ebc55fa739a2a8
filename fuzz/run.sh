#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time on a copy of its seed corpus (the repository's
# fuzz/corpus/NAME stays as committed; new inputs go to BUILD/fuzz-corpus/NAME).
#   fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET
# Exits non-zero when a target crashes, leaks or trips a sanitizer (the input is kept in
# BUILD/fuzz-artifacts/ with the command that reproduces it).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?build dir}"; SECS="${2:-60}"
status=0
for t in http_request session_cookie; do
  bin="$BUILD/fuzz/fuzz_$t"
  [[ -x "$bin" ]] || { echo "fuzz: $bin is missing" >&2; exit 1; }
  work="$BUILD/fuzz-corpus/$t"; art="$BUILD/fuzz-artifacts/$t/"
  mkdir -p "$work" "$art"
  dict=(); [[ $t == http_request ]] && dict=(-dict="$ROOT/fuzz/http.dict")
  echo "=== fuzz_$t: ${SECS}s, seeds in fuzz/corpus/$t ==="
  # one job, so that 2 shared cores are enough; -timeout catches hangs, -rss_limit_mb runaway memory
  "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art" "${dict[@]}" "$work" "$ROOT/fuzz/corpus/$t" 2>&1 | tail -n 25
  rc=${PIPESTATUS[0]}
  if (( rc != 0 )); then
    echo "fuzz_$t FAILED (exit $rc); reproduce with: $bin $art<crash-file>" >&2
    status=1
  else
    echo "fuzz_$t: no crash"
  fi
done
exit $status
