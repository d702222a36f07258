#!/usr/bin/env bash
# Paper trading on recorded data: the real trades and quotes files of
# ../shared/data replayed through the whole pipeline at x2000 on the market
# clock. Every record must reach the subscribers, the run must end by itself
# when the files are exhausted, and the database must hold the run as a
# replay with its signals and decisions.
set -euo pipefail
cdb=${1:?usage: replay_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"
data=$(cd "$src/.." && pwd)/shared/data

replay_day() { # the day's trades and quotes at x2000 -> $tmp/out, $tmp/err
  "$cdb" run --config "$src/config/paper.conf" --feed.source=replay \
    --feed.files="[\"$data/binance-futures-btcusdt-trades-2020-02-22.csv\", \"$data/binance-futures-btcusdt-quotes-2020-02-22.csv\"]" \
    --feed.speed=2000 --run.duration=120s >"$tmp/out" 2>"$tmp/err" || {
    echo "cdb run failed with status $?"; tail -n 30 "$tmp/err"; exit 1; }
}
replay_day

grep -q "replay finished (0 bad rows, 0 books, bars and mark prices)" "$tmp/err" &&
  ok "replay finished without bad rows" || bad "no clean end of replay"
grep -q "stopping: the feed has finished" "$tmp/err" &&
  ok "the run ended with the feed" || bad "the run did not end with the feed"
ticks=$(sed -n 's/.*| ticks \([0-9]*\) |.*/\1/p' "$tmp/out" | tail -n 1)
[ "$ticks" = 19998 ] && ok "all 19998 recorded ticks published" ||
  bad "published $ticks ticks, want 19998"
run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
[ "$(q "SELECT mode FROM runs WHERE id = '$run'")" = replay ] &&
  ok "run recorded as a replay" || bad "run not recorded as a replay"
n=$(q "SELECT count(*) FROM signals WHERE id LIKE '%-$run-%'")
[ "$n" -gt 0 ] && ok "signals from recorded data ($n)" || bad "no signals"
# Signals carry recorded (2020) event times, not today's.
old=$(q "SELECT count(*) FROM signals WHERE id LIKE '%-$run-%'
         AND event_time < '2020-02-23'")
[ "$old" = "$n" ] && ok "signals stamped with recorded time" ||
  bad "$old of $n signals have recorded event times"
# The same day again on the same node: the bars the first run recorded end
# after this run's start and must not warm the strategies (they would make
# every new bar late: no signal at all, seen before the fix).
first=$n
replay_day
again=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
n=$(q "SELECT count(*) FROM signals WHERE id LIKE '%-$again-%'")
[ "$n" = "$first" ] && ok "the same replay again signals alike ($n)" ||
  bad "the same replay again: $n signals, the first run $first"
n=$(q "SELECT count(*) FROM fills f LEFT JOIN orders o ON o.id = f.order_id
       LEFT JOIN risk_decisions d ON d.id = o.decision_id AND d.approved
       WHERE f.id LIKE '%-$run-%' AND d.id IS NULL")
[ "$n" = 0 ] && ok "every fill traces to an approved decision" ||
  bad "$n fills without an approved decision"

# A month of venue bars (FTX 1m) through the real process: the three
# strategies use them as-is and the database holds exactly the signals of the
# golden tests (tests/actors/signal/golden_test.cpp).
"$cdb" run --config "$src/config/paper.conf" --feed.source=replay \
  --feed.files="[\"$data/ftx-btcperp-1m-2022-01.csv\"]" --feed.speed=1000000 \
  --signal.bars=1min \
  '--signal.strategies=["ema_cross BTCUSDT", "breakout BTCUSDT", "mean_reversion BTCUSDT"]' \
  --run.duration=120s >"$tmp/out" 2>"$tmp/err" || {
  echo "cdb run (bars) failed with status $?"; tail -n 30 "$tmp/err"; exit 1; }
bars_run=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/out")
count() { q "SELECT count(*) FROM signals WHERE id LIKE '%-$bars_run-%'
             AND strategy = '$1'"; }
for want in ema_cross:1666 breakout:1929 mean_reversion:1281; do
  got=$(count "${want%%:*}")
  [ "$got" = "${want#*:}" ] && ok "${want%%:*}: $got signals from venue bars" ||
    bad "${want%%:*}: $got signals from venue bars, want ${want#*:}"
done
first=$(q "SELECT to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
           || ' ' || direction || ' ' || reason FROM signals
           WHERE id LIKE '%-$bars_run-%' AND strategy = 'ema_cross'
           ORDER BY event_time LIMIT 1")
[ "$first" = "2021-12-31 23:36 buy EMA12 crossed above EMA26 at 46475" ] &&
  ok "first EMA signal as in the golden test" || bad "first EMA signal: $first"

[ "$failed" -eq 0 ] || tail -n 20 "$tmp/err"
echo "replay: run $run, $failed failed"
[ "$failed" -eq 0 ]
