#!/usr/bin/env bash
# The whole test suite, from a bare Debian bookworm machine:
#   1. installs the build and test packages (scripts/install-deps.sh --test),
#   2. builds a Debug binary with AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors,
#   3. starts a throwaway PostgreSQL 15 server,
#   4. runs unit tests and the integration tests against SQLite and PostgreSQL (ctest),
#   5. runs the browser tests in headless Chromium,
#   6. builds the libFuzzer targets with clang (build/fuzz) and runs a short fuzz smoke,
#   7. checks the compose files, builds the container image from the Dockerfile with podman and
#      checks it (scripts/check-image.sh; skipped with a message where podman cannot run, or
#      with ARTDAG_SKIP_IMAGE=1).
# One line per step; each step's output is in build/test-logs/STEP.log and is printed when the
# step fails (the script then exits with the step's exit code).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=$root/build/test-logs
mkdir -p "$logs"
suite_start=$(date +%s)

# step NAME LOG COMMAND...: COMMAND's output into $logs/LOG.log, one line saying how it went.
step() {
  local name=$1 log=$logs/$2.log start rc=0
  shift 2
  start=$(date +%s)
  printf '%s ... ' "$name"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAILED (exit code $rc, $(( $(date +%s) - start ))s); the end of $log:"
    tail -n 1000 "$log"
    exit "$rc"
  fi
  echo "ok ($(( $(date +%s) - start ))s)"
}
# ctest's closing line ("100% tests passed, 0 tests failed out of N"), alone on its line.
ctest_summary() { grep -E '^[0-9]+% tests passed' "$logs/$1.log" || true; }

scripts/install-deps.sh --test

build=build/test
build_test() {
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARTDAG_SANITIZE=ON -DARTDAG_WERROR=ON &&
    cmake --build "$build" -j"$(nproc)"
}
step "build $build (Debug, ASan+UBSan, warnings as errors)" build build_test

pg_dir=$(mktemp -d /tmp/artdag-pg-XXXXXX)
cleanup() { "$root/scripts/start-test-postgres.sh" --stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
rc=0
ARTDAG_TEST_PG_URL=$(scripts/start-test-postgres.sh --dir "$pg_dir" 2>"$logs/postgres.log") || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "PostgreSQL for tests: FAILED (exit code $rc); $logs/postgres.log:"
  cat "$logs/postgres.log"
  exit "$rc"
fi
export ARTDAG_TEST_PG_URL
echo "PostgreSQL for tests: $ARTDAG_TEST_PG_URL"

# LeakSanitizer runs too; OpenSSL's and libcurl's process-lifetime caches are not leaks of ours.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# The browser tests' one npm package (playwright-core); it drives Debian's chromium, so no
# browser is downloaded.
step "npm ci (tests/browser)" npm env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  npm ci --prefix tests/browser --no-audit --no-fund
# The API test's packages: the OpenAPI validator (@apidevtools/swagger-parser) and ajv.
step "npm ci (tests/api)" npm-api npm ci --prefix tests/api --no-audit --no-fund

step "ctest $build (unit, integration on SQLite and PostgreSQL, browser)" ctest \
  ctest --test-dir "$build" --output-on-failure -j2
ctest_summary ctest

# Fuzzing (fuzz/, docs/decisions.md "Fuzzing"): only the parser sources, built with clang and
# libFuzzer in their own tree, then every committed seed and regression input and 100,000
# runs per target from a fixed seed (deterministic). `fuzz/run.sh --minutes N` is the longer run.
build_fuzz() {
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARTDAG_FUZZ=ON \
    -DARTDAG_TESTS=OFF -DARTDAG_WERROR=ON &&
    cmake --build build/fuzz -j"$(nproc)"
}
step "build build/fuzz (clang, libFuzzer)" fuzz-build build_fuzz
step "ctest build/fuzz (seeds, regressions, short fuzzing)" fuzz-ctest \
  ctest --test-dir build/fuzz --output-on-failure -j2
ctest_summary fuzz-ctest

# The deployment: the compose files, then the image built from the Dockerfile with podman and
# run from its root file system (build/image/ has its logs): a Release build of its own inside
# the image, about 6 min on two cores. ARTDAG_SKIP_IMAGE=1 leaves the image out.
step "deployment (compose files, the image)" image scripts/check-image.sh
tail -n 1 "$logs/image.log"

total=$(( $(date +%s) - suite_start ))
echo "All steps passed in $(( total / 60 ))m $(( total % 60 ))s."
echo "Logs of each step: build/test-logs/; browser screenshots: test-artifacts/screenshots/;" \
  "image check: build/image/ (the image is artdag-l2:latest in podman's storage)."
