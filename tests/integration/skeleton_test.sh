#!/usr/bin/env bash
# The walking skeleton end to end against a real PostgreSQL: a bounded
# synthetic run, then every table must hold rows of this run and every fill
# must trace back through its order to an approved risk decision.
set -euo pipefail
cdb=${1:?usage: skeleton_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$(cd "$(dirname "$0")/../.." && pwd)

# Fast market steps and short bars so a few thousand ticks trade.
"$cdb" run --config "$src/config/paper.conf" --feed.max_ticks=12000 \
  --market.step=2ms --signal.bars=40ms \
  '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
  --run.status_interval=1s >"$tmp/out" 2>"$tmp/err" || {
  echo "cdb run failed with status $?"; tail -n 30 "$tmp/err"; exit 1; }
run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
[ -n "$run" ] || { echo "no run id in output"; cat "$tmp/out"; exit 1; }
q() { psql "$CDB_TEST_DSN" -v ON_ERROR_STOP=1 -tAc "$1"; }
failed=0
check() { # check "what" "sql returning a number" "test expression on \$n"
  local n
  n=$(q "$2")
  if eval "[ $3 ]"; then
    echo "ok   $1 ($n)"
  else
    echo "FAIL $1 ($n)"
    failed=$((failed + 1))
  fi
}
like="'%-$run-%'"
for t in signals risk_decisions orders order_events fills equity_snapshots \
         positions trading_state_changes; do
  check "$t has rows" "SELECT count(*) FROM $t WHERE id LIKE $like" '$n -gt 0'
done
check "approved decisions exist" \
  "SELECT count(*) FROM risk_decisions WHERE id LIKE $like AND approved" '$n -gt 0'
check "every fill has an order approved by a risk decision" \
  "SELECT count(*) FROM fills f
     LEFT JOIN orders o ON o.id = f.order_id
     LEFT JOIN risk_decisions d ON d.id = o.decision_id AND d.approved
   WHERE f.id LIKE $like AND d.id IS NULL" '$n -eq 0'
check "every decision names its signal and layer" \
  "SELECT count(*) FROM risk_decisions d LEFT JOIN signals s ON s.id = d.signal_id
   WHERE d.id LIKE $like AND (s.id IS NULL OR d.layer = '')" '$n -eq 0'
check "every rejected decision has no order" \
  "SELECT count(*) FROM risk_decisions d JOIN orders o ON o.decision_id = d.id
   WHERE d.id LIKE $like AND NOT d.approved" '$n -eq 0'
check "every order event belongs to an order" \
  "SELECT count(*) FROM order_events e LEFT JOIN orders o ON o.id = e.order_id
   WHERE e.id LIKE $like AND o.id IS NULL" '$n -eq 0'
check "fills counted by the node equal fills in the database" \
  "SELECT count(*) - $(sed -n 's/.*| fills \([0-9]*\) |.*/\1/p' "$tmp/out" | tail -n 1)
     FROM fills WHERE id LIKE $like" '$n -eq 0'
check "the run row was written" "SELECT count(*) FROM runs WHERE id = '$run'" '$n -eq 1'
check "schema version recorded" "SELECT max(version) FROM schema_migrations" '$n -ge 1'
grep -q "clean stop" "$tmp/err" || { echo "FAIL no clean stop"; failed=$((failed + 1)); }
check "the run row names its node" \
  "SELECT count(*) FROM runs WHERE id = '$run' AND node <> ''" '$n -eq 1'
check "feed health changes recorded" \
  "SELECT count(*) FROM feed_events WHERE id LIKE $like" '$n -gt 0'

# cdb report on this run: its fill and signal counts are the database's.
"$cdb" report --run "$run" >"$tmp/report" || { echo "FAIL cdb report exit $?"; failed=$((failed + 1)); }
for what in fills signals; do
  got=$(sed -n "s/^$what  *\([0-9][0-9]*\)\$/\1/p" "$tmp/report")
  want=$(q "SELECT count(*) FROM $what WHERE id LIKE $like")
  if [ "$got" = "$want" ]; then
    echo "ok   cdb report: $what $got"
  else
    echo "FAIL cdb report: $what '$got', database $want"; failed=$((failed + 1))
  fi
done
"$cdb" report --run "$run" --format json | grep '"win_rate"' >/dev/null &&
  echo "ok   cdb report --format json" ||
  { echo "FAIL cdb report --format json"; failed=$((failed + 1)); }
status=0
"$cdb" report --run "$run" --from yesterday-ish 2>"$tmp/rerr" >/dev/null || status=$?
if [ "$status" -eq 2 ] && grep -q -- "--from = yesterday-ish: not a timestamp" "$tmp/rerr"; then
  echo "ok   cdb report names a bad --from and exits 2"
else
  echo "FAIL cdb report --from garbage: status $status, $(cat "$tmp/rerr")"; failed=$((failed + 1))
fi
status=0
"$cdb" report --run "no-such-run" 2>"$tmp/rerr" >/dev/null || status=$?
if [ "$status" -eq 2 ] && grep -q -- "--run = no-such-run: no such run in the database; the latest runs: [0-9a-f]* ([a-z]*, node " "$tmp/rerr"; then
  echo "ok   cdb report names an unknown --run, lists the latest, exits 2"
else
  echo "FAIL cdb report --run unknown: status $status, $(cat "$tmp/rerr")"; failed=$((failed + 1))
fi
[ "$failed" -eq 0 ] || { tail -n 20 "$tmp/err"; }
echo "skeleton_postgres: run $run, $failed failed"
[ "$failed" -eq 0 ]
