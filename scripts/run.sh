#!/usr/bin/env bash
# Installs what is missing, builds a Release binary and starts the server on its embedded
# default (SQLite in $ARTDAG_DATA, keys and JWT secret generated on first start).
# Extra arguments go to `artdag-l2 serve` (e.g. --port 8300).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Warnings are errors in the CI (Debug) build; GCC 12 at -O3 reports a false -Wrestrict
# inside std::string, so the Release build only warns.
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DARTDAG_TESTS=OFF -DARTDAG_WERROR=OFF >/dev/null
cmake --build build/release --target artdag-l2
exec build/release/artdag-l2 serve "$@"
