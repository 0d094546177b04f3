#!/usr/bin/env bash
# The HTML pages beside nginx serving their very bytes (docs/protocol.md "Performance and scale
# targets": the asset list and asset page, the home page and the activities page at >= 0.25 of
# nginx). Pages are never cached (they carry the session), so every request renders.
# Starts a Release artdag-l2 (built by bench/run.sh) on SQLite or a throwaway PostgreSQL, seeds
# --assets assets, then for each page: wrk at 64 keep-alive connections, then nginx (1 worker)
# on a file of the same bytes.
#   bench/http/pages.sh [--backend sqlite|postgresql] [--assets 1000] [--duration 10s]
#                       [--build-dir build/release]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=10s
assets=1000
backend=sqlite
build=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) assets=$2; shift ;;
    --backend) backend=$2; shift ;;
    --duration) duration=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source bench/tools/common.sh
bench_setup pages 18210 "$build"
ngport=18211
[ "$backend" = postgresql ] && bench_postgres 54460

bench_start_server
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password"}' "$base/auth/register"
"$tool" seed --database "$database" --base-url "$base" --domain "127.0.0.1:$port" \
  --keys "$ARTDAG_DATA/keys" --owner bench --assets "$assets" >/dev/null
mid=$(( assets / 2 ))
mid_name=$(curl -sf -H 'Accept: application/activity+json' "$base/activities/$mid" |
  python3 -c 'import sys,json; print(json.load(sys.stdin)["object"]["name"])')

mkdir -p "$work/nginx/html" "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$ngport; root $work/nginx/html; default_type text/html; }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1

echo "pages over $assets assets on $backend; cores=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-16s %9s %8s %8s %6s %7s | %10s %6s\n' page req/s p50ms p99ms errors cpu_s nginx ratio
page() {  # name path
  local name=$1 path=$2 out ref cpu0 cpu1
  curl -sf -H 'Accept: text/html' "$base$path" >"$work/nginx/html/$name.html"
  cpu0=$(cpu_s)
  out=$(wrk -t2 -c64 -d"$duration" -H 'Accept: text/html' -s bench/http/report.lua "$base$path" | grep RESULT)
  cpu1=$(cpu_s)
  ref=$(wrk -t2 -c64 -d"$duration" -s bench/http/report.lua "http://127.0.0.1:$ngport/$name.html" | grep RESULT)
  [ "$(field errors "$ref")" = 0 ] || { echo "nginx reference for $name had errors: $ref" >&2; exit 1; }
  printf '%-16s %9s %8s %8s %6s %7.2f | %10s %6.2f  (%s bytes)\n' "$name" "$(field rps "$out")" \
    "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(field errors "$out")" \
    "$(calc "$cpu1 - $cpu0")" "$(field rps "$ref")" "$(calc "$(field rps "$out") / $(field rps "$ref")")" \
    "$(wc -c <"$work/nginx/html/$name.html")"
}
page home /
page asset_list /assets
page asset_list_mid "/assets?cursor=$mid"
page asset_page "/asset/$mid_name"
page activities /activities
page user /users/bench
