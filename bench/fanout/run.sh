#!/usr/bin/env bash
# Builds a Release artdag-l2 and the fan-out benchmark, then runs it:
#   bench/fanout/run.sh [fanout_bench arguments, e.g. --followers 10000 --hosts 1000]
# BUILD_DIR (default build/release) is the CMake build directory. For PostgreSQL, pass
# --database-url postgresql://... (an empty database or schema).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD_DIR:-build/release}"
log=$(mktemp)
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_BENCH=ON -DARTDAG_TESTS=OFF &&
  cmake --build "$build" -j"$(nproc)" --target artdag-l2 fanout_bench; } >"$log" 2>&1 ||
  { cat "$log"; exit 1; }
rm -f "$log"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$build/bench/fanout_bench" "$@"
