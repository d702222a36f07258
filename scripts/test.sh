#!/usr/bin/env bash
# make test: installs what is missing, builds, starts a throw-away
# PostgreSQL (initdb into a temp dir, Unix socket), runs the whole suite with
# ctest, and stops the database again whatever the outcome.
#   test.sh [--sanitize]   build-asan/ with AddressSanitizer + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flag=""
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flag=--sanitize
fi
bash scripts/build.sh "$dir" $flag
pgdir=$(mktemp -d /tmp/cdb-test-pg.XXXXXX)
cleanup() {
  bash scripts/pg.sh stop "$pgdir" || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
CDB_TEST_DSN=$(bash scripts/pg.sh start "$pgdir")
export CDB_TEST_DSN
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 600
