#!/usr/bin/env bash
# cdb record captures a live stream (here cdb exchange-sim, which also sends
# garbage after every 100th message) into rotating JSONL files, and the
# replay source reads them back: every recorded trade and quote is
# published, every garbage line is a counted bad row, nothing else is lost.
# And the other way round: the simulator serves a recorded file, and what
# a live client receives is that file, trade for trade.
set -euo pipefail
cdb=${1:?usage: record_replay_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"

start_sim "$cdb" "$tmp" --sim.garbage_every=100 --market.step=5ms
streams="btcusdt@trade/btcusdt@bookTicker/ethusdt@trade/ethusdt@bookTicker"
"$cdb" record --feed.url="ws://127.0.0.1:$sim_port/stream?streams=$streams" \
  --record.dir="$tmp/rec" --record.max_bytes=65536 --record.duration=3s \
  >"$tmp/rec.out" 2>"$tmp/rec.err" || { bad "cdb record failed"; cat "$tmp/rec.err"; }
stop_sim

files=$(find "$tmp/rec" -name "recorded-*.jsonl" | wc -l)
lines=$(cat "$tmp"/rec/recorded-*.jsonl | wc -l)
garbage=$(cat "$tmp"/rec/recorded-*.jsonl | grep -c garbage || true)
[ "$files" -ge 2 ] && ok "rotated by size into $files files" ||
  bad "$files files"
[ "$lines" -ge 500 ] && ok "recorded $lines messages" || bad "only $lines lines"
malformed=$(cat "$tmp"/rec/recorded-*.jsonl | grep -cvE $'^[0-9]+\t' || true)
[ "$malformed" = 0 ] && ok "every line is <recv_ns> TAB message" ||
  bad "$malformed lines without a receive time"
grep -q "recorded $lines messages into $files file(s)" "$tmp/rec.err" &&
  ok "the recorder's count matches the files" || bad "recorder count differs"

list=$(printf '%s\n' "$tmp"/rec/recorded-*.jsonl | sed 's/.*/"&"/' | paste -sd, -)
"$cdb" run --config "$src/config/paper.conf" --feed.source=replay \
  --feed.files="[$list]" --feed.speed=20 --run.duration=60s \
  >"$tmp/out" 2>"$tmp/err" || bad "replay run failed"
grep -q "replay finished ($garbage bad rows, 0 books, bars and mark prices)" \
  "$tmp/err" && ok "replay counted the $garbage garbage lines as bad rows" ||
  { bad "replay end line"; grep "replay finished" "$tmp/err" || tail -n 5 "$tmp/err"; }
ticks=$(sed -n 's/.*| ticks \([0-9]*\) |.*/\1/p' "$tmp/out" | tail -n 1)
[ "$ticks" = $((lines - garbage)) ] &&
  ok "all $ticks recorded ticks replayed" ||
  bad "replayed $ticks ticks, recorded $((lines - garbage))"

# The simulator serves a recorded file: a live client receives its trades,
# in order, with the file's values (here the first 300 of the shipped
# futures trades at x100).
data="$src/../shared/data/binance-futures-btcusdt-trades-2020-02-22.csv"
stop_sim
start_sim "$cdb" "$tmp" --sim.files="[\"$data\"]" --sim.speed=100
"$cdb" record --feed.url="ws://127.0.0.1:$sim_port/stream?streams=btcusdt@trade" \
  --record.dir="$tmp/served" --record.duration=3s >/dev/null 2>&1 ||
  bad "recording the served file failed"
got=$(cat "$tmp"/served/*.jsonl | sed -n 1,300p |
  sed -n 's/.*"E":\([0-9]*\),.*"p":"\([0-9.]*\)","q":"\([0-9.]*\)".*/\1 \2 \3/p' |
  awk '{ printf "%s %.3f %.3f\n", $1, $2, $3 }')
want=$(sed -n 2,301p "$data" |
  awk -F, '{ printf "%s %.3f %.3f\n", substr($3, 1, length($3) - 3), $7, $8 }')
[ -n "$got" ] && [ "$(wc -l <<<"$got")" -eq 300 ] && [ "$got" = "$want" ] &&
  ok "the simulator served the recording: 300 trades, times, prices, sizes" ||
  bad "served trades differ from the file: $(diff <(echo "$want") <(echo "$got") | head -n 4)"
echo "record_replay: $failed failed"
[ "$failed" -eq 0 ]
