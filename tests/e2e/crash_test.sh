#!/usr/bin/env bash
# kill -9 with events in the spool: the node trades with its database up,
# the database goes down (batches go to the spool, synced), the node is
# killed with SIGKILL, the database comes back, and the node starts again.
# The restart must write the spool first (in order), leave no spool behind,
# and the record must be consistent: every fill has its order and risk
# decision, every order event its order, and each instrument's position in
# the last account equals the sum of its fills; the restarted signal actor
# warms up from the bars recorded before the crash. The outage lasts until
# the node has made a fill in it (its metrics say), 3 s at least. Uses its
# own cluster.
set -euo pipefail
cdb=${1:?usage: crash_test.sh CDB_BINARY}
src=$(cd "$(dirname "$0")/../.." && pwd)
pg="bash $src/scripts/pg.sh"
tmp=$(mktemp -d /tmp/cdb-crash.XXXXXX)
cleanup() {
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null || true
  $pg stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
dsn=$($pg start "$tmp/pg")
export CDB_PERSISTENCE_DSN=$dsn
q() { psql "$dsn" -v ON_ERROR_STOP=1 -tAc "$1"; }
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
node="crash-$$"
spool="$tmp/spool/$node.spool"
common=(--config "$src/config/paper.conf" --run.node_name="$node"
        --persistence.spool_dir="$tmp/spool" --persistence.retry_max=300ms
        --market.step=2ms --signal.bars=40ms
        '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]'
        --circuit_breaker.losing_streak_action=off
        --metrics.port=0 --admin.port=0)

"$cdb" run "${common[@]}" --feed.max_ticks=100000000 \
  >"$tmp/out1" 2>"$tmp/err1" &
pid=$!
for _ in $(seq 1 100); do # up to 20 s for the first recorded fills
  [ "$(q "SELECT count(*) FROM fills" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.2
done
before=$(q "SELECT count(*) FROM fills")
murl=$(sed -n 's/.*metrics on \(http:[^ ]*\).*/\1/p' "$tmp/err1" | tail -n 1)
fills_made() { # the node's own count of its fills, from its metrics
  curl -fsS "$murl" 2>/dev/null |
    awk '$1 ~ /^cdb_fills_total[{ ]/ { print $2; exit }'
}
$pg stop "$tmp/pg" >/dev/null
down_at=$(date +%s.%N)
made_before=$(fills_made || true)
# Down for 3 s at least, and on until the node has made a fill since (up
# to 30 s more: a slow build under load may trade less often), so that
# the outage's fills are there to be checked.
sleep 3
for _ in $(seq 1 150); do
  made=$(fills_made || true)
  [ -n "$made_before" ] && [ -n "$made" ] &&
    awk -v a="$made" -v b="$made_before" 'BEGIN { exit !(a > b) }' && break
  sleep 0.2
done
[ -n "$made_before" ] && [ -n "${made:-}" ] &&
  ok "fills made while the database was down: $made_before -> $made" ||
  bad "no fill count from $murl"
size=$(stat -c %s "$spool" 2>/dev/null || echo 0)
if [ "$size" -gt 0 ]; then
  ok "events spooled while the database was down ($size bytes)"
else
  bad "nothing spooled while the database was down"
fi
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
run1=$(sed -n 's/.*run \([0-9a-f]*\) starting.*/\1/p' "$tmp/err1")
$pg start "$tmp/pg" >/dev/null

"$cdb" run "${common[@]}" --feed.max_ticks=4000 >"$tmp/out2" 2>"$tmp/err2" || {
  echo "FAIL the restart exited with status $?"; tail -n 30 "$tmp/err2"; exit 1; }
if grep -q "holds [0-9]* events from before; writing them first" "$tmp/err2"; then
  ok "the restart found the spool"
else
  bad "the restart did not report the spool"
fi
if grep -q "spool written: [1-9][0-9]* events" "$tmp/err2"; then
  ok "$(grep -o "spool written: [0-9]* events" "$tmp/err2" | head -n 1)"
else
  bad "the spool was not written"
fi
if [ ! -e "$spool" ]; then ok "no spool left behind"; else bad "spool left: $spool"; fi
# The restarted signal actor warms up from the bars its node recorded.
warm=$(grep -o "warm-up from recorded bars: [0-9]* of [0-9]*" "$tmp/err2" |
  head -n 1 || true)
if [ -n "$warm" ] && [ "$(awk '{print $5}' <<<"$warm")" -gt 0 ]; then
  ok "$warm"
else
  bad "no warm-up from recorded bars ('$warm')"
fi
grep -q "clean stop" "$tmp/err2" && ok "clean stop" || bad "no clean stop"

spooled=$(q "SELECT count(*) FROM fills WHERE id LIKE 'fil-$run1-%'
             AND init_time > to_timestamp($down_at)")
if [ "$spooled" -gt 0 ]; then
  ok "fills made while the database was down were recorded ($spooled; $before before)"
else
  bad "no fill from the outage reached the database"
fi
check() { # check WHAT SQL: the count must be 0
  local n
  n=$(q "$2")
  if [ "$n" -eq 0 ]; then ok "$1"; else bad "$1: $n violations"; fi
}
check "every fill has an order approved by a risk decision" \
  "SELECT count(*) FROM fills f
     LEFT JOIN orders o ON o.id = f.order_id
     LEFT JOIN risk_decisions d ON d.id = o.decision_id AND d.approved
   WHERE d.id IS NULL"
check "every order event belongs to an order" \
  "SELECT count(*) FROM order_events e LEFT JOIN orders o ON o.id = e.order_id
   WHERE o.id IS NULL"
check "positions equal the sum of fills" \
  "WITH f AS (SELECT f.instrument, sum(CASE WHEN f.direction = 'buy'
                THEN f.qty ELSE -f.qty END) AS qty
              FROM fills f JOIN orders o ON o.id = f.order_id
              WHERE o.node = '$node' GROUP BY f.instrument),
        p AS (SELECT instrument, qty FROM open_positions WHERE node = '$node')
   SELECT count(*) FROM f FULL JOIN p USING (instrument)
   WHERE abs(coalesce(f.qty, 0) - coalesce(p.qty, 0)) > 1e-9"
echo "crash: runs $run1 and after, $failed failed"
[ "$failed" -eq 0 ]
