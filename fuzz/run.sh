#!/usr/bin/env bash
# Runs the libFuzzer targets built in build/fuzz (see docs/decisions.md "Fuzzing").
#   fuzz/run.sh --smoke          every committed seed and regression input once, then 100,000
#                                fuzzing runs per target from a fixed seed (what ctest and
#                                scripts/test.sh run): the same inputs on every machine, so a
#                                smoke failure is never luck and always reproduces
#   fuzz/run.sh --minutes N      N minutes of fuzzing per target; new inputs are kept in
#                                build/fuzz/fuzz/corpus-work/<target> and reused by the next run
# Options: --only TARGET (one target), --bin-dir DIR (where the binaries are; default
# build/fuzz/fuzz). A crash stops the run with a non-zero exit code; the crashing input is
# written to <bin-dir>/artifacts/<target>/ — fix the parser, then add the input to
# fuzz/regressions/<target>/ so every later run replays it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

mode=""
minutes=0
only=""
bin_dir="$root/build/fuzz/fuzz"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --minutes) mode=long; minutes=${2:?--minutes needs a number}; shift ;;
    --only) only=${2:?--only needs a target}; shift ;;
    --bin-dir) bin_dir=${2:?--bin-dir needs a directory}; shift ;;
    *) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "usage: fuzz/run.sh --smoke | --minutes N [--only TARGET] [--bin-dir DIR]" >&2; exit 2; }

targets=(fuzz_json_bodies fuzz_http_signature fuzz_webfinger_url fuzz_activity fuzz_l1_run
         fuzz_structured_fields fuzz_jcs fuzz_tlog)
[ -z "$only" ] || targets=("$only")

# The smoke run is deterministic (a fixed seed and a fixed number of runs, whatever the
# machine's speed); finding new inputs is the long run's job, with a fresh seed each time.
if [ "$mode" = smoke ]; then
  budget=(-seed=1 -runs=100000); seconds=""
else
  seconds=$((minutes * 60)); budget=(-max_total_time="$seconds")
fi
# Inputs up to 8 KiB (an actor document with its PEM key fits; longer inputs only slow the
# search down), 10 s per input, 2 GiB of memory.
common=(-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

status=0
for target in "${targets[@]}"; do
  bin="$bin_dir/$target"
  [ -x "$bin" ] || { echo "fuzz/run.sh: $bin is not built (cmake --build build/fuzz --target fuzz)" >&2; exit 2; }
  seeds=("$here/corpus/$target" "$here/regressions/$target")
  artifacts="$bin_dir/artifacts/$target"
  mkdir -p "$artifacts"
  log="$bin_dir/$target.log"

  # 1. Every committed input once: a regression that comes back fails here, not by luck.
  mapfile -t inputs < <(find "${seeds[@]}" -type f ! -name '.*' 2>/dev/null | sort)
  if [ ${#inputs[@]} -gt 0 ] && ! "$bin" "${common[@]}" -artifact_prefix="$artifacts/" "${inputs[@]}" >"$log" 2>&1; then
    echo "FAIL $target: a committed input crashes it"; tail -n 40 "$log"; status=1; continue
  fi

  # 2. Fuzzing, starting from the committed inputs; new inputs go to a scratch (smoke) or
  #    kept (long run) directory, never into the source tree.
  if [ "$mode" = smoke ]; then
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  else
    work="$bin_dir/corpus-work/$target"; mkdir -p "$work"
  fi
  if ! "$bin" "${common[@]}" "${budget[@]}" -artifact_prefix="$artifacts/" \
      "$work" "${seeds[@]}" >"$log" 2>&1; then
    echo "FAIL $target: crash found (input in $artifacts/; log $log)"; tail -n 60 "$log"; status=1
  else
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "ok   $target: ${#inputs[@]} committed inputs, ${runs:-?} runs${seconds:+ in ${seconds}s} (${speed:-?} exec/s, $cov)"
  fi
  [ "$mode" = long ] || rm -rf "$work"
done
exit $status
