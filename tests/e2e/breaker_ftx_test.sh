#!/usr/bin/env bash
# The circuit breaker on the January 2022 fall: FTX BTC-PERP 1m bars (with a
# quote at each close) paper-traded as a perpetual (leverage 2) at x50000
# with large positions and a 3 % drawdown limit. The drawdown rule must trip
# HALTED, risk must refuse every new position while halted, `cdb admin
# resume` (the CLI against the running node) must restore trading, and the
# state changes must be recorded.
set -euo pipefail
cdb=${1:?usage: breaker_ftx_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"
data=$(cd "$src/.." && pwd)/shared/data
export CDB_ADMIN_TOKEN=e2e-token-0123456789abcdef
node="e2e-breaker-$$-$RANDOM"

"$cdb" run --config "$src/config/paper.conf" --run.node_name="$node" \
  --admin.port=0 --feed.source=replay \
  --feed.files="[\"$data/ftx-btcperp-1m-2022-01.csv\"]" --feed.speed=50000 \
  --feed.bar_quote_spread_bps=2 --feed.stale_after=10min \
  --signal.bars=1min '--signal.strategies=["ema_cross BTCUSDT"]' \
  --risk.data_stale_timeout=5min --risk.signal_timeout=5min \
  --risk.max_position_pct=100 --risk.max_exposure_pct=100 \
  --risk.risk_per_trade_pct=5 --risk.perpetuals='["*"]' --risk.leverage=2 \
  --circuit_breaker.drawdown_pct=3 \
  --circuit_breaker.losing_streak_action=off --run.duration=150s \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!

wait_for() { # wait_for PATTERN SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    grep -q "$1" "$tmp/err" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

if ! wait_for "admin API on http://" 20; then
  tail -n 20 "$tmp/err"; echo "breaker_ftx: node did not start"; exit 1
fi
url=$(sed -n 's/.*admin API on \(http:\/\/[0-9.:]*\).*/\1/p' "$tmp/err")

if wait_for "trading HALTED: drawdown" 120; then
  ok "the drawdown rule tripped HALTED during the fall"
else
  bad "no drawdown trip"; kill "$pid" 2>/dev/null || true; wait "$pid" || true
  tail -n 20 "$tmp/err"; exit 1
fi
if "$cdb" admin state --url "$url" >"$tmp/state"; then
  grep -q '"mode":"HALTED"' "$tmp/state" && grep -q '"rule":"drawdown"' \
    "$tmp/state" && ok "cdb admin state shows HALTED by drawdown" ||
    bad "admin state: $(cat "$tmp/state")"
else
  bad "cdb admin state failed"
fi
if CDB_ADMIN_TOKEN="" "$cdb" admin resume --url "$url" 2>"$tmp/denied"; then
  bad "resume without a token was accepted"
else
  grep -q "HTTP 401" "$tmp/denied" && ok "resume without the token: 401" ||
    bad "resume without a token: $(cat "$tmp/denied")"
fi
sleep 1 # about half a day of market time: signals arrive and are refused
if "$cdb" admin resume --url "$url" --reason "e2e: drawdown reviewed" \
  >"$tmp/resumed"; then
  grep -q '"mode":"ACTIVE"' "$tmp/resumed" &&
    ok "cdb admin resume restored ACTIVE" ||
    bad "resume answered: $(cat "$tmp/resumed")"
else
  bad "cdb admin resume failed"
fi
wait "$pid" || { echo "cdb run failed"; tail -n 30 "$tmp/err"; exit 1; }

run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
# The market times of the trip and of the resume, as recorded.
trip=$(q "SELECT min(event_time) FROM trading_state_changes
          WHERE node = '$node' AND state = 'HALTED'
          AND trips::text LIKE '%\"rule\": \"drawdown\"%'")
resume=$(q "SELECT min(event_time) FROM trading_state_changes
            WHERE node = '$node' AND state = 'ACTIVE'
            AND reason LIKE 'resumed (e2e: drawdown reviewed)%'")
[ -n "$trip" ] && [ -n "$resume" ] &&
  ok "trip ($trip) and resume ($resume) recorded with their reasons" ||
  bad "trip '$trip' / resume '$resume' not recorded"
opened() { # opened FROM TO: new positions approved in that market time
  q "SELECT count(*) FROM orders WHERE id LIKE '%-$run-%' AND NOT reduce_only
     AND init_time > '$1' AND init_time < '$2'"
}
# The trip reaches risk as a message: signals already in flight when the
# breaker decided may still be approved (at x50000 one wall millisecond is
# almost a minute of market time). From risk's first refusal on, nothing new
# may be approved until the resume.
known=$(q "SELECT min(init_time) FROM risk_decisions WHERE id LIKE '%-$run-%'
           AND NOT approved AND layer = 'trading_state' AND reason = 'halted'
           AND init_time > '$trip'")
[ -n "$known" ] && ok "risk refused by trading state from $known" ||
  bad "risk never refused a signal after the trip"
n=$(opened "${known:-$trip}" "$resume")
[ "$n" = 0 ] && ok "no new position approved while risk knew of the halt" ||
  bad "$n new positions approved while risk knew of the halt"
n=$(opened "$trip" "${known:-$trip}")
echo "info: $n position(s) approved between the trip and risk's first refusal"
n=$(q "SELECT count(*) FROM risk_decisions WHERE id LIKE '%-$run-%'
       AND NOT approved AND layer = 'trading_state' AND reason = 'halted'
       AND init_time > '$trip' AND init_time < '$resume'")
[ "$n" -gt 0 ] && ok "signals refused while halted ($n)" ||
  bad "no signal refused while halted"
n=$(opened "$resume" "infinity")
[ "$n" -gt 0 ] && ok "trading resumed: $n new positions after the resume" ||
  bad "no new position after the resume"
[ "$failed" -eq 0 ] || tail -n 20 "$tmp/err"
echo "breaker_ftx: $failed failed"
[ "$failed" -eq 0 ]
