#!/usr/bin/env bash
# Installs the Debian packages the project needs to build, run and test.
# Idempotent: packages already present are skipped, so a warm machine pays nothing.
#   scripts/install-deps.sh            build + run dependencies
#   scripts/install-deps.sh --test     also the test dependencies (PostgreSQL, browser, node)
#   scripts/install-deps.sh --bench    also the benchmark tools (wrk, nginx)
# Prints one line; apt's own output goes to build/logs/install-deps.log and is shown only when
# apt fails (the exit code is apt's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev libsodium-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libkainjow-mustache-dev libcmark-dev
  prometheus-cpp-dev openssl ca-certificates
)
test_pkgs=(libgtest-dev googletest postgresql-15 clang libclang-rt-14-dev chromium python3 curl
  # scripts/check-image.sh: builds the Dockerfile with podman (chroot isolation, no containers
  # started), the base made with debootstrap; docker-compose (`config` only) checks the
  # compose files.
  podman buildah debootstrap uidmap fuse-overlayfs docker-compose
  # promtool, which checks the /metrics exposition (the package's server is not used).
  prometheus)
bench_pkgs=(wrk nginx-light linux-perf valgrind)

want=("${build_pkgs[@]}")
for arg in "$@"; do
  case "$arg" in
    --test)
      want+=("${test_pkgs[@]}")
      # The machine image may ship its own Node.js build, which conflicts with Debian's npm.
      command -v npm >/dev/null || want+=(nodejs npm)
      ;;
    --bench) want+=("${bench_pkgs[@]}") ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

mkdir -p "$root/build/logs"
log=$root/build/logs/install-deps.log
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
printf 'install-deps: installing %s ... ' "${missing[*]}"
rc=0
{ $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
  >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAILED (apt exit code $rc); apt's output, also in $log:"
  cat "$log"
  exit "$rc"
fi
echo "done in $(( $(date +%s) - start ))s"
