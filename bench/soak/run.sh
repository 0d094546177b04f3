#!/usr/bin/env bash
# Soak: many concurrent keep-alive connections on the read endpoints for minutes, sampling
# the server's RSS, to show there are no errors and no memory growth (docs/protocol.md; issue
# "Reliability": 1,000 connections for minutes). Uses the Release build of bench/run.sh.
#   bench/soak/run.sh [--seconds 300] [--connections 1000] [--build-dir build/release]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=300
connections=1000
build=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --connections) connections=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source bench/tools/common.sh
bench_setup soak 18230 "$build"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Every connection comes from 127.0.0.1 here, so the per-client cap must admit them all.
export ARTDAG_MAX_CONNECTIONS_PER_IP=$((connections + 16))
bench_start_server
curl -sf -H 'Content-Type: application/json' -d '{"username":"soak","password":"soak-password"}' \
  "$base/auth/register" >/dev/null
"$tool" seed --database "$work/data/l2.db" --base-url "$base" --domain "127.0.0.1:$port" \
  --keys "$ARTDAG_DATA/keys" --owner soak --assets 1000 >/dev/null
hash=$(curl -sf "$base/assets?limit=1" | python3 -c 'import sys,json; print(json.load(sys.stdin)["assets"][0]["content_hash"])')

cat >"$work/mix.lua" <<LUA
-- A mix of the read endpoints, round-robin per connection.
local paths = {
  {"/.well-known/webfinger?resource=acct:soak@127.0.0.1:$port", "application/jrd+json"},
  {"/users/soak", "application/activity+json"},
  {"/objects/$hash", "application/activity+json"},
  {"/activities/500", "application/activity+json"},
  {"/assets?limit=20", "application/json"},
  {"/users/soak/outbox?page=true", "application/activity+json"},
  {"/assets", "text/html"},
}
local i = 0
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i][1], {["Accept"] = paths[i][2]})
end
LUA
cat "$work/mix.lua" bench/http/report.lua >"$work/soak.lua"

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server_pid/status"; }
echo "soak: $connections keep-alive connections for $seconds s on $(nproc) cores; idle RSS $(rss_mb) MB"
( while sleep 10; do echo "$(rss_mb)"; done >"$work/rss.txt" ) &
sampler_pid=$!
out=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$work/soak.lua" "$base/" | grep RESULT)
kill "$sampler_pid"; sampler_pid=
echo "$out"
# Growth: the last sample against the first sample taken after a minute (warm caches and
# a full set of connections), so start-up allocation is not counted as growth.
awk -v s="$seconds" '
  { rss[NR] = $1; if ($1 > max) max = $1 }
  END {
    base = (NR >= 6) ? rss[6] : rss[1];
    printf "rss_MB samples=%d at_60s=%s end=%s max=%s growth_after_60s=%.1f\n", NR, base, rss[NR], max, rss[NR] - base
  }' "$work/rss.txt"
grep -c -i " error \| critical " "$work/server.log" | sed 's/^/server log errors: /' || true
