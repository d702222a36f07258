#!/usr/bin/env bash
# A database outage loses no event: the node starts while its PostgreSQL is
# down, the database comes up, goes down again mid-run and comes back. At the
# end (a clean stop once the node has written through both outages and
# filled an order) every signal, decision, fill and the run row the node
# counted must be in the database exactly once, and its spool must be
# empty. Uses its own throw-away cluster and spool directory.
set -euo pipefail
cdb=${1:?usage: outage_test.sh CDB_BINARY}
src=$(cd "$(dirname "$0")/../.." && pwd)
pg="bash $src/scripts/pg.sh"
tmp=$(mktemp -d /tmp/cdb-outage.XXXXXX)
cleanup() {
  [ -n "${node:-}" ] && kill "$node" 2>/dev/null || true
  $pg stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# A password in the DSN (trust authentication ignores it) must never reach
# the log or the output, whatever the errors say.
secret=cdb-secret-$$
dsn="$($pg start "$tmp/pg") password=$secret"
$pg stop "$tmp/pg"

# Its own spool directory: a spool left by an earlier run of this test
# would be written first into this run's fresh database.
CDB_PERSISTENCE_DSN=$dsn "$cdb" run --config "$src/config/paper.conf" \
  --feed.max_ticks=400000 --market.step=2ms --signal.bars=40ms \
  '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
  --persistence.retry_max=500ms --persistence.spool_dir="$tmp/spool" \
  >"$tmp/out" 2>"$tmp/err" &
node=$!
sleep 2
$pg start "$tmp/pg" >/dev/null
sleep 2
$pg stop "$tmp/pg"
sleep 2
$pg start "$tmp/pg" >/dev/null
# The node trades on until it has written through both outages and filled
# an order, then stops cleanly (SIGTERM). Its pace, not a fixed number of
# ticks, sets the length: on a loaded machine the database takes seconds
# to start and a fixed-length run could end inside the second outage.
deadline=$((SECONDS + 90))
while [ "$(grep -c 'database reachable again' "$tmp/err")" -lt 2 ] ||
  ! grep -q '\[execution\] filled' "$tmp/err"; do
  [ "$SECONDS" -lt "$deadline" ] && kill -0 "$node" 2>/dev/null || break
  sleep 0.5
done
sleep 1 # a little more trading with the database up
kill -TERM "$node" 2>/dev/null || true
status=0
wait "$node" || status=$?
node=
failed=0
if [ "$status" -ne 0 ]; then
  echo "FAIL cdb exited with status $status"
  tail -n 30 "$tmp/err"
  exit 1
fi
for want in "database unavailable at start" "failed (spooled, retry" \
            "database reachable again"; do
  if grep -qF "$want" "$tmp/err"; then
    echo "ok   log: $want"
  else
    echo "FAIL log lacks: $want"; failed=$((failed + 1))
  fi
done
if grep -q -- "$secret" "$tmp/err" "$tmp/out"; then
  echo "FAIL the DSN's password appears in the output"; failed=$((failed + 1))
else
  echo "ok   the DSN's password is in no log line"
fi
run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
last=$(grep '| fills ' "$tmp/out" | tail -n 1)
q() { psql "$dsn" -v ON_ERROR_STOP=1 -tAc "$1"; }
expect() { # expect WHAT NODE_COUNT SQL
  local n
  n=$(q "$3")
  if [ "$n" = "$2" ] && [ "$n" -gt 0 ]; then
    echo "ok   $1: $n"
  else
    echo "FAIL $1: node counted $2, database has $n"; failed=$((failed + 1))
  fi
}
like="'%-$run-%'"
expect "run row" 1 "SELECT count(*) FROM runs WHERE id = '$run'"
expect "signals" "$(sed -n 's/.*| signals \([0-9]*\) |.*/\1/p' <<<"$last")" \
  "SELECT count(*) FROM signals WHERE id LIKE $like"
expect "fills" "$(sed -n 's/.*| fills \([0-9]*\) |.*/\1/p' <<<"$last")" \
  "SELECT count(*) FROM fills WHERE id LIKE $like"
approved=$(sed -n 's/.*| approved \([0-9]*\) rejected \([0-9]*\) |.*/\1 \2/p' <<<"$last")
expect "risk decisions" "$(( ${approved% *} + ${approved#* } ))" \
  "SELECT count(*) FROM risk_decisions WHERE id LIKE $like"
if [ -n "$(ls -A "$tmp/spool" 2>/dev/null)" ]; then
  echo "FAIL the spool still holds events after a clean stop: $(ls "$tmp/spool")"
  failed=$((failed + 1))
else
  echo "ok   nothing left in the spool"
fi
echo "outage: run $run, $failed failed"
if [ "$failed" -gt 0 ]; then
  # What kept the node from trading: risk's rejections by layer, and what
  # the breaker and execution said.
  echo "rejections by layer:"
  sed -n 's/.* at layer \([a-z_]*\):.*/\1/p' "$tmp/err" | sort | uniq -c
  grep -E '\[(circuit_breaker|execution)\]' "$tmp/err" | grep -v 'cannot recover' |
    head -n 20 || true
  grep -m 3 'cannot recover' "$tmp/err" || true
  grep '\[persistence\]' "$tmp/err" | grep -v 'events failed' | tail -n 8 || true
  echo "$last"
fi
[ "$failed" -eq 0 ]
