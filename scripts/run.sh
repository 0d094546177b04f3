#!/usr/bin/env bash
# Installs what is missing, builds a Release binary and starts the server on its embedded
# default (SQLite in $ARTDAG_DATA, keys and JWT secret generated on first start).
# Extra arguments go to `artdag-l2 serve` (e.g. --port 8300).
# One line per step; the build's output is in build/logs/release-build.log and is printed only
# when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

mkdir -p build/logs
log=build/logs/release-build.log
start=$(date +%s)
printf 'build build/release (Release) ... '
rc=0
{ cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_TESTS=OFF &&
  cmake --build build/release --target artdag-l2; } >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAILED (exit code $rc); the end of $log:"
  tail -n 200 "$log"
  exit "$rc"
fi
echo "ok ($(( $(date +%s) - start ))s)"

# Where it will listen: --host/--port override HOST/PORT, which override 0.0.0.0:8200.
host=${HOST:-0.0.0.0}
port=${PORT:-8200}
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --port) port=${args[i + 1]:-$port} ;;
    --port=*) port=${args[i]#--port=} ;;
    --host) host=${args[i + 1]:-$host} ;;
    --host=*) host=${args[i]#--host=} ;;
  esac
done
case "$host" in
  0.0.0.0 | :: | "[::]") open_host=localhost ;;
  *:*) open_host="[$host]" ;;
  *) open_host=$host ;;
esac
echo "Starting artdag-l2 on $host:$port: open http://$open_host:$port/ (Ctrl-C stops it)"
exec build/release/artdag-l2 serve "$@"
