#!/usr/bin/env bash
# HTTP benchmarks of the hot paths on one backend (docs/protocol.md "Performance and scale targets").
# Starts a Release artdag-l2 (built by bench/run.sh) on SQLite or a throwaway PostgreSQL,
# seeds 1,000 assets, drives each scenario with wrk at 64 keep-alive connections and prints
# per scenario: requests/s, p50/p99, errors, server CPU seconds and peak RSS — beside a
# reference measured in the same run on the same machine (nginx serving a static file of the
# same size for reads; `openssl speed rsa2048` for signing and verifying) and their ratio.
# With --scale N it then seeds the registry up to N assets and measures the paging and lookup
# endpoints again, printing the ratio to their times at 1,000 rows.
#   bench/http/run.sh [--backend sqlite|postgresql] [--duration 10s] [--scale 1000000]
#                     [--build-dir build/release]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=10s
backend=sqlite
scale=0
build=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=$2; shift ;;
    --postgresql) backend=postgresql ;;
    --duration) duration=$2; shift ;;
    --scale) scale=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source bench/tools/common.sh
bench_setup bench 18200 "$build"
ngport=18201
# The inbox scenario's remote actor is served by nginx on loopback.
export ARTDAG_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8
[ "$backend" = postgresql ] && bench_postgres 54450
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$server_pid/status"; }

# Cold start to first answer: first start (creates the database and the instance key), then a
# restart on the same data (the usual case); the clock runs from exec to the first 200.
cold_start() {  # sets server_pid and start_ms
  local start_ns; start_ns=$(date +%s%N)
  $bin serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "$base/health"; do sleep 0.002; done
  start_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}
cold_start
first_ms=$start_ms
kill "$server_pid"; wait "$server_pid" || true
cold_start
cold_ms=$start_ms
idle_rss=$(rss_kb)

token=$(curl -s -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' \
  "$base/auth/register" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
"$tool" seed --database "$database" --base-url "$base" --domain "127.0.0.1:$port" \
  --keys "$ARTDAG_DATA/keys" --owner bench --assets 1000 >/dev/null
first_asset=$(curl -sf "$base/assets?limit=1" | python3 -c 'import sys,json; a=json.load(sys.stdin)["assets"][0]; print(a["name"], a["content_hash"])')
asset_name=${first_asset% *}
asset_hash=${first_asset#* }

# nginx reference: serves a static copy of each answer, and the inbox scenario's actor.
mkdir -p "$work/nginx/html/actors" "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$ngport;
    root $work/nginx/html;
    default_type application/json;
    location /actors/ { default_type application/activity+json; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1

echo "backend=$backend cores=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-16s %9s %8s %8s %6s %7s %7s | %10s %6s\n' scenario req/s p50ms p99ms errors cpu_s rss_MB reference ratio
declare -A read_rps
# One read scenario: wrk on the server, then wrk on nginx serving the same bytes.
run_read() {  # name path accept
  local name=$1 path=$2 accept=$3
  curl -sf -H "Accept: $accept" "$base$path" >"$work/nginx/html/$name.json"
  local cpu0 cpu1 out ref rps nrps
  cpu0=$(cpu_s)
  out=$(wrk -t2 -c64 -d"$duration" -H "Accept: $accept" -s bench/http/report.lua "$base$path" | grep RESULT)
  cpu1=$(cpu_s)
  ref=$(wrk -t2 -c64 -d"$duration" -s bench/http/report.lua "http://127.0.0.1:$ngport/$name.json" | grep RESULT)
  rps=$(field rps "$out"); nrps=$(field rps "$ref")
  # A reference that answered errors (403: unreadable file) would be a fast, false figure.
  [ "$(field errors "$ref")" = 0 ] || { echo "nginx reference for $name had errors: $ref" >&2; exit 1; }
  read_rps[$name]=$rps
  printf '%-16s %9s %8s %8s %6s %7.2f %7.1f | %10s %6.2f  (nginx, %s bytes)\n' "$name" "$rps" \
    "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(field errors "$out")" \
    "$(calc "$cpu1 - $cpu0")" "$(calc "$(hwm_kb) / 1024")" "$nrps" "$(calc "$rps / $nrps")" \
    "$(wc -c <"$work/nginx/html/$name.json")"
}
# The scale scenarios: paging and lookups at the middle of the registry.
run_scale_reads() {  # suffix rows
  local suffix=$1 rows=$2 mid=$(( $2 / 2 ))
  local mid_name
  mid_name=$(curl -sf -H 'Accept: application/activity+json' "$base/activities/$mid" |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["object"]["name"])')
  run_read "list_first$suffix" "/assets?limit=20" application/json
  # The cursor is the row id, which counts from 1 like the indices count from 0.
  run_read "list_middle$suffix" "/assets?limit=20&cursor=$mid" application/json
  run_read "detail_middle$suffix" "/assets/$mid_name" application/json
  run_read "outbox_first$suffix" "/users/bench/outbox?page=true" application/activity+json
  run_read "outbox_middle$suffix" "/users/bench/outbox?page=true&max_id=$mid" application/activity+json
  run_read "activity_mid$suffix" "/activities/$mid" application/activity+json
}

# The read scenarios, as served: repeats of public GETs come from the response cache
# (http/response_cache.h). The same requests without the cache (every answer from the
# database) run after the POST scenarios, which is what a first fetch costs.
run_reads() {  # suffix
  run_read "webfinger$1" "/.well-known/webfinger?resource=acct:bench@127.0.0.1:$port" application/jrd+json
  run_read "actor$1" /users/bench application/activity+json
  run_read "object$1" "/objects/$asset_hash" application/activity+json
  run_read "activity$1" /activities/0 application/activity+json
  run_read "asset$1" "/assets/$asset_name" application/json
  run_read "asset_list$1" "/assets?limit=20" application/json
  run_read "asset_page_html$1" "/assets" text/html
}
run_reads ""

openssl_rates=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6, $7}')
sign_rate=${openssl_rates% *}
verify_rate=${openssl_rates#* }
# The two-core sign rate: claims are signed before they are sequenced, on every core.
sign_rate_2=$(openssl speed -multi 2 -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}')

# POST /assets: one RSA-2048 signature + one transaction per request, against the two-core
# sign rate (claims are signed on every core before they are sequenced). Meanwhile one more
# client measures the time from each of its 201s to a checkpoint that includes the claim.
cat bench/http/post_assets.lua bench/http/report.lua >"$work/post.lua"
secs=${duration%s}
python3 bench/http/checkpoint_latency.py "$base" "$token" "$(calc "$secs - 1")" >"$work/latency.txt" &
latency_pid=$!
cpu0=$(cpu_s)
out=$(ARTDAG_BENCH_TOKEN=$token wrk -t2 -c64 -d"$duration" -s "$work/post.lua" "$base/assets" | grep RESULT)
cpu1=$(cpu_s)
wait "$latency_pid"
rps=$(field rps "$out")
cores_used=$(calc "($cpu1 - $cpu0) / $secs")
printf '%-16s %9s %8s %8s %6s %7.2f %7.1f | %10s %6.2f  (openssl speed -multi 2 rsa2048 sign/s; ratio to it)\n' \
  post_assets "$rps" "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(field errors "$out")" \
  "$(calc "$cpu1 - $cpu0")" "$(calc "$(hwm_kb) / 1024")" "$sign_rate_2" "$(calc "$rps / $sign_rate_2")"
latency=$(grep RESULT "$work/latency.txt")
printf '%-16s %9s %8s %8s   (201 to a checkpoint with the claim, under that load; max %s ms; goal p99 <= 1000 ms)\n' \
  201_to_checkpoint "$(field samples "$latency")" "$(field p50_ms "$latency")" \
  "$(field p99_ms "$latency")" "$(field max_ms "$latency")"

# The sequencer alone: claims made and signed beforehand, recorded by 32 writers through the
# registry's transaction, beside one core's sign rate (goal: 5x).
out=$("$tool" sequence --database "$database" --base-url "$base" --domain "127.0.0.1:$port" \
  --keys "$ARTDAG_DATA/keys" --owner bench --claims 20000 --writers 32 | grep RESULT)
printf '%-16s %9s %8s %8s %6s %7s %7s | %10s %6.2f  (openssl rsa2048 sign/s on one core; ratio to it)\n' \
  sequencer "$(field rate "$out")" - - "$(field conflicts "$out")" - - "$sign_rate" \
  "$(calc "$(field rate "$out") / $sign_rate")"


# Inbox POST: signed Likes from a remote actor whose document nginx serves (fetched once,
# then cached); each request costs a Digest, an RSA verify and the once-per-id bookkeeping.
"$tool" inbox-requests --actor-url "http://127.0.0.1:$ngport/actors/remote" --inbox "$base/inbox" \
  --object "$base/objects/$asset_hash" --count 20000 --actor-out "$work/nginx/html/actors/remote" \
  --lua-out "$work/inbox_requests.lua" >/dev/null
cat "$work/inbox_requests.lua" bench/http/report.lua >"$work/inbox.lua"
cpu0=$(cpu_s)
out=$(wrk -t2 -c64 -d"$duration" -s "$work/inbox.lua" "$base/inbox" | grep RESULT)
cpu1=$(cpu_s)
rps=$(field rps "$out")
cores_used=$(calc "($cpu1 - $cpu0) / $secs")
printf '%-16s %9s %8s %8s %6s %7.2f %7.1f | %10s %6.2f  (openssl rsa2048 verify/s on one core; ratio per core used)\n' \
  inbox_post "$rps" "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(field errors "$out")" \
  "$(calc "$cpu1 - $cpu0")" "$(calc "$(hwm_kb) / 1024")" "$verify_rate" "$(calc "$rps / $cores_used / $verify_rate")"

# From here on every answer comes from the database: the scale scenarios measure the queries.
kill "$server_pid"; wait "$server_pid" || true
ARTDAG_RESPONSE_CACHE_MS=0 cold_start
echo "-- without the response cache:"
run_reads _uncached

if [ "$scale" -gt 1000 ]; then
  run_scale_reads _1k 1000
  declare -A small
  for k in "${!read_rps[@]}"; do small[$k]=${read_rps[$k]}; done
  rows=$(curl -sf "$base/users/bench/outbox" -H 'Accept: application/activity+json' |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["totalItems"])')
  "$tool" seed --database "$database" --base-url "$base" --domain "127.0.0.1:$port" \
    --keys "$ARTDAG_DATA/keys" --owner bench --assets $(( scale - rows )) \
    --threads "$([ "$backend" = postgresql ] && echo 4 || echo 1)"
  run_scale_reads _big "$scale"
  echo "scale: req/s at $scale rows relative to 1,000 rows (1.00 = flat; the target is >= 0.50)"
  for s in list_first list_middle detail_middle outbox_first outbox_middle activity_mid; do
    printf '  %-16s %6.2f\n' "$s" "$(calc "${read_rps[${s}_big]} / ${small[${s}_1k]}")"
  done
fi

echo "backend=$backend first_start_ms=$first_ms cold_start_ms=$cold_ms idle_rss_MB=$(calc "$idle_rss / 1024") peak_rss_MB=$(calc "$(hwm_kb) / 1024")"
