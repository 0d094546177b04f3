#!/usr/bin/env bash
# The witness benchmark (issue 17): one artdag-l2 witness cosigning the checkpoints of 100
# growing logs, against `openssl speed ed25519` on one core measured in the same run.
#   bench/witness/run.sh [--postgres] [witness_bench arguments, e.g. --rounds 200 --connections 8]
# SQLite by default; --database-url postgresql://... uses that (empty) database, --postgres
# starts a throwaway PostgreSQL 15 for the run (scripts/start-test-postgres.sh, port 54452).
# --perf FILE records the server with `perf record` during the HTTP phase and prints the top
# of its profile. BUILD_DIR (default build/release) is the CMake build directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD_DIR:-build/release}"
args=()
postgres=0
perf_file=
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) postgres=1 ;;
    --perf) perf_file=$2; args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
log=$(mktemp)
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_BENCH=ON -DARTDAG_TESTS=OFF &&
  cmake --build "$build" -j"$(nproc)" --target artdag-l2 witness_bench; } >"$log" 2>&1 ||
  { cat "$log"; exit 1; }
rm -f "$log"
if [ "$postgres" = 1 ]; then
  pg_dir=$(mktemp -d /tmp/artdag-witness-pg-XXXXXX)
  trap 'scripts/start-test-postgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
  args+=(--database-url "$(scripts/start-test-postgres.sh --dir "$pg_dir" --port 54452)")
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
# The reference, before the server starts: Ed25519 sign and verify on one core.
rates=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ {print $(NF-1), $NF}')
[ -n "$rates" ] || { echo "openssl speed ed25519 gave no figures" >&2; exit 1; }
sign_rate=${rates% *}
verify_rate=${rates#* }
echo "openssl speed -seconds 3 ed25519 (one core): sign $sign_rate/s, verify $verify_rate/s"
"$build/bench/witness_bench" --ed25519-sign-rate "$sign_rate" --ed25519-verify-rate "$verify_rate" \
  "${args[@]}"
if [ -n "$perf_file" ] && [ -s "$perf_file" ]; then
  # `|| true`: head closes the pipe early (SIGPIPE under pipefail).
  echo "perf: the server's samples by shared object (self), then its witness path (children)"
  { perf report -i "$perf_file" --no-children --sort dso -g none --stdio 2>/dev/null |
      grep -E '^ +[0-9]' | head -8; } || true
  { perf report -i "$perf_file" --children --sort sym -g none --stdio 2>/dev/null |
      grep -E '^ +[0-9]' |
      grep -E 'WitnessService|decide_add|verify_note|ed25519_verify|EVP_PKEY_new_raw|cosign|Ed25519Key::sign|witnessed_checkpoint|SqliteBackend::(write|read)|PgBackend|sqlite3_step|Router::dispatch|__futex_abstimed_wait_common$|tcp_sendmsg$' |
      cut -c1-120 | head -20; } || true
fi
