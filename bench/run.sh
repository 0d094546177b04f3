#!/usr/bin/env bash
# The one benchmark command (docs/protocol.md "Performance and scale targets"; docs/performance.md
# holds the figures and how to read them). Builds a Release server and the bench tools, then:
#   1. bench/http/run.sh on SQLite and on a throwaway PostgreSQL: read endpoints against
#      nginx, POST /assets and signed inbox POSTs against `openssl speed rsa2048`, cold
#      start, idle and peak RSS, and (with --scale) the paging endpoints at 1M rows;
#   2. bench/http/pages.sh on both backends: the HTML pages against nginx serving their bytes;
#   3. bench/fanout/run.sh: one activity to 10,000 followers on 1,000 hosts, both backends;
#   4. bench/log/monitor.sh: log-monitor over --scale really signed claims, against
#      `openssl speed rsa2048` verify/s;
#   5. bench/witness/run.sh: one witness cosigning 100 growing logs' checkpoints, both
#      backends, against `openssl speed ed25519`;
#   6. bench/soak/run.sh: 1,000 keep-alive connections with RSS sampled.
#   bench/run.sh [--duration 10s] [--scale 1000000] [--soak-seconds 300] [--quick]
# --quick is a smoke run of every step (2 s scenarios, 20,000 rows, 20 witness rounds, 30 s
# soak): ~5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10s
scale=1000000
soak=300
witness_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --scale) scale=$2; shift ;;
    --soak-seconds) soak=$2; shift ;;
    --quick) duration=2s; scale=20000; soak=30; witness_args=(--rounds 20 --big-tree 65536 --inproc 500) ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
build=build/release
scripts/install-deps.sh --test --bench >/dev/null
log=$(mktemp)
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_TESTS=OFF \
    -DARTDAG_BENCH=ON &&
  cmake --build "$build" --target artdag-l2 bench_tool fanout_bench witness_bench; } >"$log" 2>&1 ||
  { cat "$log"; exit 1; }
rm -f "$log"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in sqlite postgresql; do
  echo "== HTTP scenarios, $backend"
  bench/http/run.sh --backend "$backend" --duration "$duration" --scale "$scale" --build-dir "$build"
done
for backend in sqlite postgresql; do
  echo "== HTML pages, $backend"
  bench/http/pages.sh --backend "$backend" --duration "$duration" --build-dir "$build"
done

echo "== delivery fan-out, sqlite"
BUILD_DIR=$build bench/fanout/run.sh --followers 10000 --hosts 1000
echo "== delivery fan-out, postgresql"
pg_dir=$(mktemp -d /tmp/artdag-bench-pg-XXXXXX)
trap 'scripts/start-test-postgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
pg_url=$(scripts/start-test-postgres.sh --dir "$pg_dir" --port 54451)
BUILD_DIR=$build bench/fanout/run.sh --followers 10000 --hosts 1000 --database-url "$pg_url"

echo "== log-monitor over $scale claims, sqlite"
bench/log/monitor.sh --entries "$scale" --build-dir "$build"

echo "== witness, sqlite"
BUILD_DIR=$build bench/witness/run.sh "${witness_args[@]}"
echo "== witness, postgresql"
BUILD_DIR=$build bench/witness/run.sh --postgres "${witness_args[@]}"

echo "== soak"
bench/soak/run.sh --seconds "$soak" --connections 1000 --build-dir "$build"
