#!/usr/bin/env bash
# Ctrl-C and SIGTERM stop the node cleanly: the feed stops, persistence
# flushes, the summary is printed, the exit status is 0, and the database
# holds every fill the node counted. A second SIGINT during the stop changes
# nothing.
set -euo pipefail
cdb=${1:?usage: stop_signals_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
q() { psql "$CDB_TEST_DSN" -v ON_ERROR_STOP=1 -tAc "$1"; }

stop_with() { # stop_with SIGNAL [SIGNAL again]
  "$cdb" run --config "$src/config/paper.conf" --market.step=2ms \
    --signal.bars=40ms \
    '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
    >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  sleep 4
  kill -s "$1" "$pid"
  [ -n "${2:-}" ] && { sleep 0.05; kill -s "$2" "$pid" 2>/dev/null || true; }
  local status=0
  wait "$pid" || status=$?
  local run fills_node fills_db
  run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
  fills_node=$(grep '| fills ' "$tmp/out" | tail -n 1 |
    sed -n 's/.*| fills \([0-9]*\) |.*/\1/p')
  fills_db=$(q "SELECT count(*) FROM fills WHERE id LIKE '%-$run-%'")
  if [ "$status" -eq 0 ] && grep -q "stopping: $1" "$tmp/err" &&
     grep -q "clean stop" "$tmp/err" && [ -n "$run" ] &&
     [ "$fills_node" = "$fills_db" ]; then
    echo "ok   $1${2:+ twice}: exit 0, clean stop, $fills_db fills persisted"
  else
    echo "FAIL $1${2:+ twice}: status $status, run '$run'," \
      "fills node $fills_node db $fills_db"
    tail -n 15 "$tmp/err"
    failed=$((failed + 1))
  fi
}

stop_with SIGINT
stop_with SIGTERM
stop_with SIGINT SIGINT
echo "stop_signals: $failed failed"
[ "$failed" -eq 0 ]
