#!/usr/bin/env bash
# The whole test suite, from a bare Debian bookworm machine:
#   1. installs the build and test packages (scripts/install-deps.sh --test),
#   2. builds a Debug binary with AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors,
#   3. starts a throwaway PostgreSQL 15 server,
#   4. runs unit tests and the integration tests against SQLite and PostgreSQL (ctest),
#   5. runs the browser tests in headless Chromium,
#   6. builds the libFuzzer targets with clang (build/fuzz) and runs a short fuzz smoke.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh --test

build=build/test
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARTDAG_SANITIZE=ON -DARTDAG_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

pg_dir=$(mktemp -d /tmp/artdag-pg-XXXXXX)
cleanup() { "$root/scripts/start-test-postgres.sh" --stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
ARTDAG_TEST_PG_URL=$(scripts/start-test-postgres.sh --dir "$pg_dir")
export ARTDAG_TEST_PG_URL
echo "PostgreSQL for tests: $ARTDAG_TEST_PG_URL"

# LeakSanitizer runs too; OpenSSL's and libcurl's process-lifetime caches are not leaks of ours.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# The browser tests' one npm package (playwright-core); it drives Debian's chromium, so no
# browser is downloaded.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund

ctest --test-dir "$build" --output-on-failure -j2

# Fuzzing (fuzz/, docs/decisions.md "Fuzzing"): only the parser sources, built with clang and
# libFuzzer in their own tree, then every committed seed and regression input and ~5 s of
# fuzzing per target. `fuzz/run.sh --minutes N` is the longer run.
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARTDAG_FUZZ=ON \
  -DARTDAG_TESTS=OFF -DARTDAG_WERROR=ON >/dev/null
cmake --build build/fuzz -j"$(nproc)"
ctest --test-dir build/fuzz --output-on-failure -j2
