# Sourced by the bench scripts (bench/http, bench/log, bench/soak): the build check, the
# server's environment, starting it, a throwaway PostgreSQL, the clean-up, and the small
# helpers they share. Run from the repository's root.

# bench_setup NAME PORT BUILD_DIR: checks the Release build (sets bin and tool), makes $work,
# sets base and exports the server's environment; on exit bench_cleanup stops what was started.
bench_setup() {
  local name=$1 build=$3
  port=$2
  bin=$build/artdag-l2
  tool=$build/bench/bench_tool
  [ -x "$bin" ] && [ -x "$tool" ] || { echo "build first: bench/run.sh builds $bin and $tool" >&2; exit 2; }
  work=$(mktemp -d "/tmp/artdag-$name-XXXXXX")
  chmod 755 "$work"  # nginx workers (www-data) read the reference files from it
  base=http://127.0.0.1:$port
  export ARTDAG_DATA=$work/data ARTDAG_DOMAIN=127.0.0.1:$port ARTDAG_BASE_URL=$base
  export PORT=$port HOST=127.0.0.1 JWT_SECRET=bench-secret-0123456789abcdef ARTDAG_LOG_LEVEL=warn
  database=$work/data/l2.db
  trap bench_cleanup EXIT
}

# bench_postgres PORT: a throwaway PostgreSQL in $work/pg; exports DATABASE_URL (and database).
bench_postgres() {
  pg_dir=$work/pg
  DATABASE_URL=$(scripts/start-test-postgres.sh --dir "$pg_dir" --port "$1")
  export DATABASE_URL
  database=$DATABASE_URL
}

# Stops whatever of server_pid, sampler_pid, nginx and PostgreSQL was started; on failure
# shows the end of the server's log first.
bench_cleanup() {
  local status=$?
  [ "$status" -ne 0 ] && [ -f "$work/server.log" ] && { echo "--- server log:"; tail -20 "$work/server.log"; } >&2
  [ -n "${sampler_pid:-}" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "${nginx_started:-}" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  [ -n "${pg_dir:-}" ] && scripts/start-test-postgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}

# Starts `$bin serve` in the background (server_pid) and waits for its /health.
bench_start_server() {
  $bin serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "$base/health"; do sleep 0.01; done
}

calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# The server's CPU seconds so far (utime + stime).
cpu_s() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$server_pid/stat"; }
# The value of NAME=... in a RESULT line of bench/http/report.lua.
field() { sed "s/.*$1=\([0-9.]*\).*/\1/" <<<"$2"; }
