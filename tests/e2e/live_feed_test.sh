#!/usr/bin/env bash
# The live feed against real sockets: cdb exchange-sim serves Binance
# combined streams on loopback and misbehaves on purpose (drops the
# connection every 400 messages, stalls 2 s once per connection, sends every
# 50th message twice and garbage after every 70th). The node must reconnect
# and resubscribe, drop the duplicates, count the garbage and the gaps,
# report the stall as stale, keep trading, and stop cleanly.
set -euo pipefail
cdb=${1:?usage: live_feed_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"

start_sim "$cdb" "$tmp" --sim.drop_after=400 --sim.duplicate_every=50 \
  --sim.garbage_every=70 --sim.stall_after=250 --sim.stall_for=2s \
  --market.step=5ms
port=$sim_port

streams="btcusdt@trade/btcusdt@bookTicker/ethusdt@trade/ethusdt@bookTicker"
status=0
"$cdb" run --config "$src/config/paper.conf" --feed.source=binance \
  --feed.url="ws://127.0.0.1:$port/stream?streams=$streams" \
  --feed.max_ticks=2500 --feed.stale_after=500ms --run.duration=60s \
  >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" -eq 0 ] && grep -q "clean stop" "$tmp/err" &&
  ok "clean stop, exit 0" || bad "status $status"
grep -q "stopping: the feed has finished" "$tmp/err" &&
  ok "all 2500 ticks arrived" || bad "the tick budget was not reached"
n=$(grep -c "connected to ws://127.0.0.1:$port (connection" "$tmp/err" || true)
[ "$n" -ge 3 ] && ok "reconnected and resubscribed ($n connections)" ||
  bad "only $n connections"
grep -q "disconnected (" "$tmp/err" && ok "connection loss reported" ||
  bad "no connection loss reported"
grep -q "venue message rejected (truncated" "$tmp/err" &&
  ok "garbage counted and skipped" || bad "garbage not reported"
grep -q "stale: no data for longer than feed.stale_after" "$tmp/err" &&
  ok "the stall was reported as stale" || bad "no stale status"
line=$(grep "feed stopped after" "$tmp/err" | tail -n 1)
dropped=$(sed -n 's/.*(\([0-9]*\) stale or duplicate.*/\1/p' <<<"$line")
gaps=$(sed -n 's/.* \([0-9]*\) gaps.*/\1/p' <<<"$line")
# The simulator sent one duplicate per 50 messages of each connection.
sent=$(sed -n 's/.*client gone after \([0-9]*\) messages.*/\1/p' "$tmp/sim.err" |
  awk '{ d += int($1 / 50) } END { print d + 0 }')
last=$(grep -c "client subscribed" "$tmp/sim.err" || true)
max=$((sent + 8 * last))
[ "${dropped:-0}" -ge 1 ] && [ "$dropped" -le "$max" ] &&
  ok "duplicates dropped ($dropped, simulator sent at most $max)" ||
  bad "dropped '${dropped:-}' duplicates, simulator sent at most $max"
[ "${gaps:-0}" -ge 1 ] && ok "gaps across reconnects counted ($gaps)" ||
  bad "no gap counted"
# The record: each gap (up to 100) and each reconnect is a feed_events row.
run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
conns=$(grep -c "client subscribed" "$tmp/sim.err" || true)
rows=$(q "SELECT count(*) FROM feed_events WHERE id LIKE 'fev-$run-%'
          AND reason LIKE 'gap:%'")
[ "$rows" = "$(( gaps < 100 ? gaps : 100 ))" ] &&
  ok "every gap recorded in feed_events ($rows)" ||
  bad "feed_events holds $rows gaps, the feed counted ${gaps:-0}"
rows=$(q "SELECT count(*) FROM feed_events WHERE id LIKE 'fev-$run-%'
          AND reason LIKE 'reconnected:%'")
[ "$rows" -ge 1 ] && [ "$rows" -le "$((conns - 1))" ] &&
  ok "reconnects recorded in feed_events ($rows of $((conns - 1)))" ||
  bad "feed_events holds $rows reconnects, the simulator saw $conns connections"
[ "$failed" -eq 0 ] || { tail -n 25 "$tmp/err"; tail -n 10 "$tmp/sim.err"; }
echo "live_feed: $failed failed"
[ "$failed" -eq 0 ]
