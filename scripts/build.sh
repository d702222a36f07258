#!/usr/bin/env bash
# Configures and builds into DIR: build (plain: make run, make bench),
# build-cov (instrumented for line coverage: make test) or build-asan
# (AddressSanitizer + UBSan: make test SANITIZE=1).
#   build.sh DIR [--sanitize | --coverage]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
sanitize=OFF
coverage=OFF
case "${2:-}" in
  --sanitize) sanitize=ON ;;
  --coverage) coverage=ON ;;
  "") ;;
  *) echo "build.sh: unknown option '$2' (--sanitize or --coverage)" >&2; exit 2 ;;
esac
bash scripts/deps.sh
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCDB_SANITIZE="$sanitize" -DCDB_COVERAGE="$coverage" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
