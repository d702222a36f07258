#!/usr/bin/env bash
# make test: installs what is missing, builds build-cov/ (instrumented for
# line coverage), starts a throw-away PostgreSQL (initdb into a temp dir,
# Unix socket), runs the whole suite with ctest (the static gates among its
# tests, label "lint"), stops the database again whatever the outcome, and
# ends with the coverage gate (scripts/coverage.sh).
#   test.sh [--sanitize] [--label REGEX] [--no-lint]
#     --sanitize     build-asan/ with AddressSanitizer + UBSan; the static
#                    gates and the coverage gate ran in the plain pass, and
#                    so did the fuzzers (clang builds of their own, ASan and
#                    UBSan in both passes alike)
#     --label REGEX  only the tests with a matching ctest label (unit,
#                    integration, e2e, fuzz, bench, lint); no coverage gate
#     --no-lint      every test but the static gates (make coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-cov
build_flag=--coverage
select=()
coverage=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) dir=build-asan build_flag=--sanitize select=(-LE 'lint|fuzz') coverage=0 ;;
    --label) select=(-L "${2:?--label needs a regex}") coverage=0; shift ;;
    --no-lint) select=(-LE lint) ;;
    *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
start=$SECONDS
bash scripts/build.sh "$dir" "$build_flag"
echo "test: build $dir: $((SECONDS - start)) s"
# Counters from earlier runs would cover lines this run did not reach.
[ "$coverage" = 1 ] && find "$dir" -name '*.gcda' -delete
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
start=$SECONDS
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 600 \
  "${select[@]}"
echo "test: ctest: $((SECONDS - start)) s"
if [ "$coverage" = 1 ]; then
  start=$SECONDS
  bash scripts/coverage.sh "$dir"
  echo "test: coverage gate: $((SECONDS - start)) s"
fi
