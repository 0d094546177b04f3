#!/usr/bin/env bash
# `artdag-l2 log-monitor` over a claim log of --entries really signed claims (docs/protocol.md
# "Performance and scale targets": every claim signature checked at >= 0.8 of one core's RSA
# verify rate), beside `openssl speed rsa2048` verify/s on one core in the same run.
# Starts a Release artdag-l2 (built by bench/run.sh) on SQLite, seeds the claims with
# `bench_tool seed --sign-all 1` (each claim signed, so each verifies), waits until a
# checkpoint covers them, then times one log-monitor run from an empty state file: the
# checkpoint's signature, every entry bundle, every entry's claim signature, the duplicate check.
#   bench/log/monitor.sh [--entries 100000] [--build-dir build/release]
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=100000
build=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --entries) entries=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source bench/tools/common.sh
bench_setup monitor 18240 "$build"
# The monitor fetches the claimants' actor documents from this loopback server.
export ARTDAG_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8

bench_start_server
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password"}' "$base/auth/register"
seed_start=$(date +%s)
"$tool" seed --database "$database" --base-url "$base" --domain "127.0.0.1:$port" \
  --keys "$ARTDAG_DATA/keys" --owner bench --assets "$entries" --sign-all 1 --threads 2 >/dev/null
until [ "$(curl -sf "$base/log/checkpoint" | sed -n 2p)" -ge "$entries" ] 2>/dev/null; do sleep 0.5; done
size=$(curl -sf "$base/log/checkpoint" | sed -n 2p)
echo "seeded and integrated $size entries in $(( $(date +%s) - seed_start )) s"

verify_rate=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $7}')
key=$(curl -sf "$base/log/key")
start_ns=$(date +%s%N)
/usr/bin/time -f "%U %S" -o "$work/time.txt" \
  "$bin" log-monitor "$base/log" --log-key "$key" --state "$work/state" >"$work/monitor.txt" 2>&1 ||
  { echo "log-monitor failed:"; tail -5 "$work/monitor.txt"; exit 1; }
secs=$(calc "($(date +%s%N) - $start_ns) / 1e9")
read -r user sys <"$work/time.txt"
rate=$(calc "$size / $secs")
echo "log-monitor: $size entries in $secs s = $rate entries/s (monitor CPU ${user}s user ${sys}s sys)"
echo "openssl speed rsa2048 verify/s on one core: $verify_rate; ratio $(calc "$rate / $verify_rate") (goal >= 0.8)"
tail -2 "$work/monitor.txt"
