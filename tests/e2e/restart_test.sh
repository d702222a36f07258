#!/usr/bin/env bash
# Kill the signal actor mid-run: the supervisor must log a restart, the new
# incarnation must produce signals, and risk must keep turning them into
# filled orders. A second run kills risk, which holds the only order path; a
# third kills execution, which must take over its account from PostgreSQL
# (no reset to the initial cash) and fill again; a fourth kills persistence
# three times, and the database must still hold every event the node counted;
# a fifth kills persistence as the node stops, with the same demand.
# (The losing-streak rule is off: a random market may trip it, and this test
# needs orders flowing after the restart.)
set -euo pipefail
cdb=${1:?usage: restart_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$(cd "$(dirname "$0")/../.." && pwd)
q() { psql "$CDB_TEST_DSN" -v ON_ERROR_STOP=1 -tAc "$1"; }
failed=0
node="e2e-restart-$$-$RANDOM"

run_with_kill() { # run_with_kill ACTOR [OPTION...] -> sets $run
  local actor=$1
  shift
  "$cdb" run --config "$src/config/paper.conf" --feed.max_ticks=16000 \
    --run.node_name="$node-$actor" \
    --market.step=2ms --signal.bars=40ms \
    '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
    --run.chaos_kill_actor="$actor" --run.chaos_kill_after=1500ms \
    --circuit_breaker.losing_streak_action=off "$@" \
    >"$tmp/out" 2>"$tmp/err" || {
    echo "cdb run failed with status $?"; tail -n 30 "$tmp/err"; exit 1; }
  run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
  if grep -q "restarted $actor (incarnation 2)" "$tmp/err"; then
    echo "ok   $actor restart logged"
  else
    echo "FAIL $actor restart not logged"; failed=$((failed + 1))
  fi
}

expect_rows() { # expect_rows WHAT SQL: the count query must be > 0
  local n
  n=$(q "$2")
  if [ "$n" -gt 0 ]; then
    echo "ok   $1 ($n)"
  else
    echo "FAIL $1: none"; failed=$((failed + 1))
  fi
}

run_with_kill signal
if sed -n '/restarted signal (incarnation 2)/,$p' "$tmp/err" |
  grep "warm-up from the feed's history: [1-9][0-9]* trades" >/dev/null; then
  echo "ok   the restarted signal actor warmed up from the feed's history"
else
  echo "FAIL no warm-up from history after the restart"; failed=$((failed + 1))
  grep -E "warm|restart|killing|signal\] " "$tmp/err" | head -n 20
fi
expect_rows "signals of the restarted signal actor were filled" \
  "SELECT count(*) FROM orders o JOIN fills f ON f.order_id = o.id
   WHERE o.signal_id LIKE 'sig-$run-2-%'"

run_with_kill risk
expect_rows "the restarted risk actor's orders were filled" \
  "SELECT count(*) FROM fills f JOIN orders o ON o.id = f.order_id
   WHERE o.id LIKE 'ord-$run-2-%'"
refused=$(sed -n 's/.*refused orders \([0-9]*\).*/\1/p' "$tmp/out")
if [ "$refused" = 0 ]; then
  echo "ok   execution refused no order of the new risk actor"
else
  echo "FAIL execution refused $refused orders after the rewire"; failed=$((failed + 1))
fi
run_with_kill execution
if sed -n '/restarted execution (incarnation 2)/,$p' "$tmp/err" |
  grep "recovered account: equity" >/dev/null; then
  echo "ok   the restarted execution recovered its account"
else
  echo "FAIL no account recovery after the restart"; failed=$((failed + 1))
fi
# Fees only grow: a reset to the initial cash would start them at 0.
before=$(q "SELECT coalesce(max(fees), 0) FROM equity_snapshots
            WHERE id LIKE 'eq-$run-1-%'")
after=$(q "SELECT min(fees) FROM equity_snapshots WHERE id LIKE 'eq-$run-2-%'")
if [ -n "$after" ] && awk -v b="$before" -v a="$after" 'BEGIN { exit !(b > 0 && a >= b) }'; then
  echo "ok   fees carried over the restart ($before -> $after)"
else
  echo "FAIL fees before the restart $before, after '$after'"; failed=$((failed + 1))
fi
# The new incarnation's first account is the old one's last, taken over:
# same cash, fees, realized PnL, start-of-day equity (the daily loss base)
# and positions (quantity and entry price per instrument).
same=$(q "WITH a AS (SELECT * FROM equity_snapshots WHERE id LIKE 'eq-$run-1-%'
                    ORDER BY seq DESC LIMIT 1),
              b AS (SELECT * FROM equity_snapshots WHERE id LIKE 'eq-$run-2-%'
                    ORDER BY seq LIMIT 1),
              pa AS (SELECT e->>'instrument' AS i, e->'qty' AS q,
                            e->'avg_price' AS p
                     FROM a, jsonb_array_elements(a.positions) e),
              pb AS (SELECT e->>'instrument' AS i, e->'qty' AS q,
                            e->'avg_price' AS p
                     FROM b, jsonb_array_elements(b.positions) e)
          SELECT (a.cash = b.cash AND a.fees = b.fees
                 AND a.realized_pnl = b.realized_pnl
                 AND a.start_of_day_equity = b.start_of_day_equity
                 AND NOT EXISTS (SELECT * FROM pa FULL JOIN pb USING (i)
                                 WHERE pa.q IS DISTINCT FROM pb.q
                                    OR pa.p IS DISTINCT FROM pb.p))::text
                 || '|' || (SELECT count(*) FROM pa)
          FROM a, b")
if [ "${same%|*}" = true ]; then
  echo "ok   the restarted execution took over cash, fees, realized PnL, start-of-day equity and ${same#*|} position(s)"
else
  echo "FAIL the restarted execution's first account differs from the last one ('$same')"
  failed=$((failed + 1))
fi
failed_before=$failed
expect_rows "the restarted execution filled orders" \
  "SELECT count(*) FROM fills WHERE id LIKE 'fil-$run-2-%'"
if [ "$failed" -gt "$failed_before" ]; then
  # What stopped orders after the restart: warnings and errors (a breaker
  # trip, a venue rejection, a failed recovery), trading states, risk's
  # rejections; then the end of the run.
  sed -n '/restarted execution (incarnation 2)/,$p' "$tmp/err" |
    grep -E "WARN|ERROR|trading state|recovered|rejected" | head -n 40
  tail -n 25 "$tmp/out"
fi


# Killing persistence loses its mailbox and its unwritten batch; the
# producers keep every event until it is acknowledged and send the rest to
# the new persistence: the database holds exactly what the node counted.
# Persistence is killed three times, 2.5 s apart, with no timed or size
# flush in between: everything produced since the previous kill (and the
# resent remainder) is pending at each kill. (The restart-storm rule is
# off: three restarts in a minute would halt trading, and this run needs
# orders flowing between the kills.)
run_with_kill persistence --persistence.flush_interval=60s \
  --persistence.batch_size=1000000 --run.chaos_kill_after=2500ms \
  --run.chaos_kill_times=3 --circuit_breaker.restart_storm_action=off
# A kill lands once the incarnation it targets has connected: under load
# a new persistence may spend seconds in its connect, and two kills then
# hit the same one (seen in CI). Every kill after the first therefore
# restarts at least once more: two restarts at least, and each restarted
# persistence must get the producers' resends.
restarts=$(grep -c "restarted persistence (incarnation" "$tmp/err" || true)
if [ "$restarts" -ge 2 ]; then
  echo "ok   persistence restarted $restarts times for 3 kills"
else
  echo "FAIL persistence restarted $restarts times for 3 kills (want >= 2)"
  failed=$((failed + 1))
fi
for n in $(seq 2 $((restarts + 1))); do
  if sed -n "/restarted persistence (incarnation $n)/,/restarted persistence (incarnation $((n + 1)))/p" "$tmp/err" |
    grep "unacknowledged events to the new persistence" >/dev/null; then
    echo "ok   producers resent their unacknowledged events to persistence $n"
  else
    echo "FAIL no producer resent events to persistence incarnation $n"
    failed=$((failed + 1))
    grep -E "persistence|unacknowledged|killing|restarted" "$tmp/err" |
      head -n 30
  fi
done
exact() { # exact WHAT NODE_COUNT SQL
  local n
  n=$(q "$3")
  if [ "$n" = "$2" ] && [ "$n" -gt 0 ]; then
    echo "ok   $1: node counted $2, database has $n"
  else
    echo "FAIL $1: node counted $2, database has $n"; failed=$((failed + 1))
  fi
}
all_written() { # all_written WHEN: the database holds what the node counted
  local last approved
  last=$(grep '| fills ' "$tmp/out" | tail -n 1)
  exact "signals $1" \
    "$(sed -n 's/.*| signals \([0-9]*\) |.*/\1/p' <<<"$last")" \
    "SELECT count(*) FROM signals WHERE id LIKE 'sig-$run-%'"
  exact "fills $1" \
    "$(sed -n 's/.*| fills \([0-9]*\) |.*/\1/p' <<<"$last")" \
    "SELECT count(*) FROM fills WHERE id LIKE 'fil-$run-%'"
  approved=$(sed -n 's/.*| approved \([0-9]*\) rejected \([0-9]*\) |.*/\1 \2/p' <<<"$last")
  exact "risk decisions $1" \
    "$(( ${approved% *} + ${approved#* } ))" \
    "SELECT count(*) FROM risk_decisions WHERE id LIKE 'dec-$run-%'"
}
all_written "across the persistence restarts"
zero() { # zero WHAT SQL: the count of violations must be 0
  local n
  n=$(q "$2")
  if [ "$n" = 0 ]; then
    echo "ok   $1"
  else
    echo "FAIL $1: $n violations"; failed=$((failed + 1))
  fi
}
zero "every fill has an order approved by a risk decision" \
  "SELECT count(*) FROM fills f
     LEFT JOIN orders o ON o.id = f.order_id
     LEFT JOIN risk_decisions d ON d.id = o.decision_id AND d.approved
   WHERE f.id LIKE 'fil-$run-%' AND d.id IS NULL"
zero "the last account's positions equal the sum of fills" \
  "WITH f AS (SELECT f.instrument, sum(CASE WHEN f.direction = 'buy'
                THEN f.qty ELSE -f.qty END) AS qty
              FROM fills f WHERE f.id LIKE 'fil-$run-%' GROUP BY f.instrument),
        p AS (SELECT instrument, qty FROM open_positions
              WHERE node = '$node-persistence')
   SELECT count(*) FROM f FULL JOIN p USING (instrument)
   WHERE abs(coalesce(f.qty, 0) - coalesce(p.qty, 0)) > 1e-9"

# Persistence killed as the node stops (it lands in the drain), holding
# everything of the run unwritten (no timed or size flush): the supervisor
# restarts it before anything else stops, the producers resend to it and
# wait for its acknowledgements, and only then stop.
run_with_kill persistence --feed.max_ticks=4000 \
  --persistence.flush_interval=60s --persistence.batch_size=1000000 \
  --run.chaos_kill_after=1h --run.chaos_kill_on_stop=true
if grep -q "every event the actors sent is acknowledged" "$tmp/err"; then
  echo "ok   the producers settled before they stopped"
else
  echo "FAIL the producers did not settle"; failed=$((failed + 1))
  grep -E "supervisor|unacknowledged" "$tmp/err" | tail -n 20
fi
all_written "with persistence killed at the stop"

[ "$failed" -eq 0 ] || tail -n 20 "$tmp/err"
echo "signal_restart: $failed failed"
[ "$failed" -eq 0 ]
