#!/usr/bin/env bash
# HTTP benchmarks of the hot paths (issue: performance). Builds a Release binary, starts it on
# SQLite (and PostgreSQL with --postgresql), seeds a user and assets, drives each scenario
# with wrk at 64 connections, and prints per scenario: requests/s, p50/p99, errors, server
# CPU seconds and peak RSS — beside a reference measured in the same run on the same machine
# (nginx serving a static file of the same size for reads; `openssl speed rsa2048` for signing).
#   bench/http/run.sh [--postgresql] [--duration 10s]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
duration=10s
backend=sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --postgresql) backend=postgresql ;;
    --duration) duration=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

scripts/install-deps.sh --test --bench >/dev/null
# Warnings are errors in the CI (Debug) build; GCC 12 at -O3 reports a false -Wrestrict
# inside std::string, so the Release build only warns.
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_TESTS=OFF -DARTDAG_WERROR=OFF >/dev/null
cmake --build build/release --target artdag-l2 >/dev/null
bin=build/release/artdag-l2

work=$(mktemp -d /tmp/artdag-bench-XXXXXX)
port=18200
ngport=18201
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "${nginx_started:-}" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  [ -n "${pg_dir:-}" ] && scripts/start-test-postgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export ARTDAG_DATA=$work/data ARTDAG_DOMAIN=127.0.0.1:$port ARTDAG_BASE_URL=http://127.0.0.1:$port
export PORT=$port HOST=127.0.0.1 JWT_SECRET=bench-secret-0123456789abcdef ARTDAG_LOG_LEVEL=warn
if [ "$backend" = postgresql ]; then
  pg_dir=$work/pg
  DATABASE_URL=$(scripts/start-test-postgres.sh --dir "$pg_dir" --port 54450)
  export DATABASE_URL
fi

# Cold start to first answer, on a data dir whose keys already exist (the usual restart).
$bin setup-keys >/dev/null
start_ns=$(date +%s%N)
$bin serve >"$work/server.log" 2>&1 &
server_pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.005; done
cold_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

base=http://127.0.0.1:$port
token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' "$base/auth/register" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
hash=$(printf seed | sha3sum -a 256 2>/dev/null | cut -d' ' -f1 || true)
[ -n "$hash" ] || hash=$(python3 -c 'import hashlib; print(hashlib.sha3_256(b"seed").hexdigest())')
curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
  -d "{\"name\":\"bench-asset\",\"content_hash\":\"$hash\",\"asset_type\":\"video\",\"tags\":[\"bench\"]}" "$base/assets" >/dev/null
for i in $(seq 1 200); do
  h=$(python3 -c "import hashlib; print(hashlib.sha3_256(b'seed$i').hexdigest())")
  curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"name\":\"seed-$i\",\"content_hash\":\"$h\",\"asset_type\":\"image\"}" "$base/assets" >/dev/null
done

calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$server_pid/status"; }
cpu_s() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$server_pid/stat"; }
idle_rss=$(rss_kb)

# nginx reference: serves a static copy of each answer.
mkdir -p "$work/nginx/html" "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$ngport; root $work/nginx/html; default_type application/json; }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1

printf '%-14s %9s %8s %8s %6s %8s %8s | %9s %6s\n' scenario req/s p50ms p99ms errors cpu_s rss_MB nginx_rps ratio
run_read() {  # name path accept
  local name=$1 path=$2 accept=$3
  curl -sf -H "Accept: $accept" "$base$path" >"$work/nginx/html/$name.json"
  local cpu0; cpu0=$(cpu_s)
  local out; out=$(wrk -t2 -c64 -d"$duration" -H "Accept: $accept" -s bench/http/report.lua "$base$path" | grep RESULT)
  local cpu1; cpu1=$(cpu_s)
  local ref; ref=$(wrk -t2 -c64 -d"$duration" -s bench/http/report.lua "http://127.0.0.1:$ngport/$name.json" | grep RESULT)
  local rps p50 p99 errs nrps
  rps=$(sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$out"); p50=$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<<"$out")
  p99=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$out"); errs=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$out")
  nrps=$(sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$ref")
  printf '%-14s %9s %8s %8s %6s %8.2f %8.1f | %9s %6.2f\n' "$name" "$rps" "$p50" "$p99" "$errs" \
    "$(calc "$cpu1 - $cpu0")" "$(calc "$(hwm_kb) / 1024")" "$nrps" "$(calc "$rps / $nrps")"
}
run_read webfinger "/.well-known/webfinger?resource=acct:bench@127.0.0.1:$port" application/jrd+json
run_read actor /users/bench application/activity+json
run_read object "/objects/$hash" application/activity+json
run_read activity /activities/0 application/activity+json
run_read asset /assets/bench-asset application/json
run_read asset_list "/assets?limit=20" application/json

# POST /assets: one RSA-2048 signature + one transaction per request, against openssl's sign rate.
cpu0=$(cpu_s)
# wrk takes one script: the request generator plus the report.
cat bench/http/post_assets.lua bench/http/report.lua >"$work/post.lua"
out=$(ARTDAG_BENCH_TOKEN=$token wrk -t2 -c16 -d"$duration" -s "$work/post.lua" "$base/assets" | grep RESULT)
cpu1=$(cpu_s)
sign_rate=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}')
rps=$(sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$out")
cpu=$(calc "$cpu1 - $cpu0")
secs=$(sed 's/s$//' <<<"$duration")
cores_used=$(calc "$cpu / $secs")
printf '%-14s %9s %8s %8s %6s %8.2f %8.1f | %9s %6.2f  (openssl sign/s single core; ratio per core used: %.2f)\n' post_assets "$rps" \
  "$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<<"$out")" "$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$out")" \
  "$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$out")" "$cpu" "$(calc "$(hwm_kb) / 1024")" "$sign_rate" \
  "$(calc "$rps / $sign_rate")" "$(calc "$rps / $cores_used / $sign_rate")"

echo "backend=$backend cold_start_ms=$cold_ms idle_rss_MB=$(calc "$idle_rss / 1024") peak_rss_MB=$(calc "$(hwm_kb) / 1024") cores=$(nproc)"
