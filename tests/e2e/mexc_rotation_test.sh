#!/usr/bin/env bash
# MEXC's channel protocol and the planned reconnect, over real sockets
# against cdb exchange-sim (which drops MEXC clients that stop pinging, as
# MEXC does after a minute; here after 3 s):
# - a MEXC node subscribes by message, pings, receives deals (objects and
#   arrays) and tickers in base units, and keeps its one connection;
# - the same node without pings is dropped and reconnects;
# - a Binance node that rotates its connection every second (make before
#   break) crosses every rotation with no duplicate and no gap in trade ids.
set -euo pipefail
cdb=${1:?usage: mexc_rotation_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"

start_sim "$cdb" "$tmp" --sim.ping_timeout=3s --market.step=5ms
url="ws://127.0.0.1:$sim_port/edge"

mexc_node() { # mexc_node OUT [flags...]
  local out=$1
  shift
  "$cdb" run --config "$src/config/paper.conf" --feed.source=mexc \
    --feed.url="$url" \
    --feed.subscribe='["BTC_USDT@deal","BTC_USDT@ticker","ETH_USDT@deal"]' \
    --feed.contract_sizes='["BTC_USDT=0.0001","ETH_USDT=0.01"]' "$@" \
    >"$tmp/$out.out" 2>"$tmp/$out.err" || echo "status $?" >>"$tmp/$out.err"
}

mexc_node pinging --feed.ping_every=1s --feed.rotate_after=3s \
  --run.duration=7s
e="$tmp/pinging.err"
grep -q "clean stop" "$e" && ! grep -q "^status" "$e" &&
  ok "MEXC node: clean stop" || bad "MEXC node did not stop cleanly"
n=$(grep -c "connected to $url\|connected to ws://127.0.0.1:$sim_port" "$e" || true)
r=$(grep -c "rotated to a new connection" "$e" || true)
[ "$n" -eq 1 ] && [ "$r" -ge 1 ] &&
  ok "pings kept the connection for 7 s (3 s timeout); rotated $r times" ||
  bad "$n connections, $r rotations with pings"
for sub in "sub.deal BTC_USDT" "sub.ticker BTC_USDT" "sub.deal ETH_USDT"; do
  grep -q "client subscribed to $sub" "$tmp/sim.err" &&
    ok "subscribed by message: $sub" || bad "no $sub subscription"
done
ticks=$(grep -o "ticks [0-9]*" "$tmp/pinging.out" | tail -n 1 | cut -d' ' -f2)
[ "${ticks:-0}" -gt 100 ] && ok "deals and tickers published ($ticks ticks)" ||
  bad "only '${ticks:-}' ticks"
! grep -q "venue message rejected" "$e" &&
  ok "every MEXC message parsed (objects, arrays, pongs, acks)" ||
  bad "$(grep -m1 "venue message rejected" "$e")"



mexc_node silent --feed.ping_every=0s --run.duration=8s
n=$(grep -c "connected to ws://127.0.0.1:$sim_port" "$tmp/silent.err" || true)
grep -q "no ping within sim.ping_timeout" "$tmp/sim.err" && [ "$n" -ge 2 ] &&
  ok "without pings the venue drops the client; it reconnects ($n)" ||
  bad "no drop for a silent client ($n connections)"

streams="btcusdt@trade/btcusdt@bookTicker/ethusdt@trade/ethusdt@bookTicker"
status=0
"$cdb" run --config "$src/config/paper.conf" --feed.source=binance \
  --feed.url="ws://127.0.0.1:$sim_port/stream?streams=$streams" \
  --feed.rotate_after=1s --feed.max_ticks=5000 --run.duration=60s \
  >"$tmp/rot.out" 2>"$tmp/rot.err" || status=$?
r=$(grep -c "rotated to a new connection" "$tmp/rot.err" || true)
[ "$status" -eq 0 ] && [ "$r" -ge 2 ] &&
  ok "rotated $r times, make before break, clean stop" ||
  bad "status $status, $r rotations"
! grep -q "disconnected (" "$tmp/rot.err" &&
  ok "no disconnect reported across rotations" || bad "a rotation disconnected"
line=$(grep "feed stopped after" "$tmp/rot.err" | tail -n 1)
dropped=$(sed -n 's/.*(\([0-9]*\) stale or duplicate.*/\1/p' <<<"$line")
gaps=$(sed -n 's/.* \([0-9]*\) gaps.*/\1/p' <<<"$line")
[ "$dropped" = 0 ] && [ "$gaps" = 0 ] &&
  ok "no duplicate and no gap across rotations" ||
  bad "across rotations: '$dropped' duplicates dropped, '$gaps' gaps"
[ "$failed" -eq 0 ] || { tail -n 20 "$tmp"/*.err; }
echo "mexc_rotation: $failed failed"
[ "$failed" -eq 0 ]
