# shellcheck shell=bash
# Sourced by whole-process tests that use PostgreSQL and the exchange
# simulator: checks the test DSN, sets src (the source tree) and tmp (removed
# on exit, after stopping any simulator), and gives ok/bad (counting into
# $failed) and q (one value from psql).
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
. "$src/tests/support/exchange_sim.sh"
trap 'stop_sim; rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
q() { psql "$CDB_TEST_DSN" -v ON_ERROR_STOP=1 -tAc "$1"; }
