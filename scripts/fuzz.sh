#!/usr/bin/env bash
# Runs soma's fuzz targets (tests/fuzz: config, idx, model, records) under
# libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/fuzz.sh [SECONDS] [TARGET...]    SECONDS per target (default 30), all targets by default
# It builds the fuzz preset (clang) first. Each target runs its regression
# inputs once (tests/fuzz/regressions/<target>: every bug found so far), then
# fuzzes for SECONDS from its seeds (tests/fuzz/corpus/<target>) and a working
# corpus kept in build-fuzz/corpus/<target> between calls. A single allocation
# over 64 MB, an RSS over 2 GB or an input taking over 10 s counts as a crash:
# what a hostile file may cost is bounded by what soma declares it reads.
# A crash leaves its input in build-fuzz/artifacts/<target>/ and the exit
# status is 1: fix it and add the input to tests/fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config idx model records)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} OMP_NUM_THREADS=1
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64)
status=0
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz/fuzz_$t
  work=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t/
  log=build-fuzz/fuzz_$t.log
  mkdir -p "$work" "$artifacts"
  if ! "$bin" "${limits[@]}" -artifact_prefix="$artifacts" tests/fuzz/regressions/"$t"/* >"$log" 2>&1; then
    echo "fuzz $t: a regression input fails again; see $log" >&2
    status=1
    continue
  fi
  max_len=4096
  [ "$t" = model ] && max_len=16384  # its seeds are a whole (small) model file and checkpoint
  if "$bin" "${limits[@]}" -max_total_time="$seconds" -max_len=$max_len -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$work" tests/fuzz/corpus/"$t" >>"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH: $(ls -t "$artifacts" | head -1 | sed "s|^|$artifacts|"); see $log"
    status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  echo "fuzz $t: ${execs:-?} inputs in ${seconds} s, corpus $corpus, $result"
done
exit $status
