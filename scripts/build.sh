#!/usr/bin/env bash
# Configures and builds into DIR (build, or build-asan for sanitizers).
#   build.sh DIR [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
sanitize=OFF
[ "${2:-}" = "--sanitize" ] && sanitize=ON
bash scripts/deps.sh
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCDB_SANITIZE="$sanitize" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
