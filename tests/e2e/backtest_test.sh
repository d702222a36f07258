#!/usr/bin/env bash
# cdb backtest, whole process:
#  1. the synthetic market twice: the JSON reports are identical byte for
#     byte once their timing member is removed, and the run traded; with
#     --messages (a message per tick, not direct delivery) identical too;
#     progress as plain lines, or as a bar (--progress) with log lines
#     above it;
#  2. the real trades and quotes of ../shared/data twice: identical too
#     (signals and every risk decision), also with --messages, all
#     records read; the trades beyond the quotes' four minutes are told
#     once and trade with feed.trade_quote_spread_bps; --from/--to
#     keep a window of them; a recording of bars only names the settings
#     made for ticks, and trades once they are fitted; holding back
#     unchanged account snapshots gives the report of publishing each;
#  3. --persist writes the run to PostgreSQL: as many fills as the report,
#     and `cdb report --html` renders the same report from the database;
#  4. the HTML report is one page without external assets; headless
#     Chromium opens it without console errors and takes a screenshot
#     (kept as tests/backtest-report.png in the build directory); the equity path spans the
#     plot;
#  5. bad input: a missing file, a bad time, an empty window, a report file
#     that could not be written exit 2 and say why.
set -euo pipefail
cdb=${1:?usage: backtest_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"
data=$(cd "$src/.." && pwd)/shared/data
trades=$data/binance-futures-btcusdt-trades-2020-02-22.csv
quotes=$data/binance-futures-btcusdt-quotes-2020-02-22.csv
conf=(--config "$src/config/paper.conf" --no-progress)
untimed() { jq 'del(.timing)' "$1"; }

# -- 1. synthetic market ---------------------------------------------------------
for i in 1 2; do
  "$cdb" backtest "${conf[@]}" --run.duration=20min --json "$tmp/syn$i.json" \
    --html "$tmp/syn.html" >"$tmp/syn$i.out" 2>"$tmp/syn$i.err" || {
    echo "backtest failed with status $?"; tail -n 20 "$tmp/syn$i.err"; exit 1; }
done
if cmp -s <(untimed "$tmp/syn1.json") <(untimed "$tmp/syn2.json"); then
  ok "two synthetic backtests give the same report ($(jq .fills "$tmp/syn1.json") fills, final equity $(jq .final_equity "$tmp/syn1.json"))"
else
  bad "two synthetic backtests differ: $(diff <(untimed "$tmp/syn1.json") <(untimed "$tmp/syn2.json") | head -n 10)"
fi
# The feed hands market data over by calls (runtime/direct_market.hpp);
# --messages sends a message per tick and subscriber: the same report.
"$cdb" backtest "${conf[@]}" --run.duration=20min --messages --json "$tmp/synm.json" \
  >"$tmp/synm.out" 2>"$tmp/synm.err" || {
  echo "backtest --messages failed with status $?"; tail -n 20 "$tmp/synm.err"; exit 1; }
if cmp -s <(untimed "$tmp/syn1.json") <(untimed "$tmp/synm.json"); then
  ok "a message per tick (--messages) gives the report of direct delivery ($(jq .signals "$tmp/synm.json") signals)"
else
  bad "--messages differs from direct delivery: $(diff <(untimed "$tmp/syn1.json") <(untimed "$tmp/synm.json") | head -n 10)"
fi
[ "$(jq .fills "$tmp/syn1.json")" -gt 0 ] && [ "$(jq .trades "$tmp/syn1.json")" -gt 0 ] &&
  ok "the synthetic backtest traded" || bad "no fills or trades in the synthetic backtest"
events=$(jq .timing.events "$tmp/syn1.json")
# 20 minutes of 20 ms steps, one trade per instrument and step on average.
[ "$events" -gt 50000 ] && ok "$events market events in 20 market minutes" ||
  bad "only $events market events"
grep -q "^  Sharpe / Sortino / Calmar" "$tmp/syn1.out" && grep -q "^per strategy" "$tmp/syn1.out" &&
  ok "the table is on stdout" || bad "no report table on stdout"

# Progress: plain lines unless asked for a bar (or on a terminal); the
# bar keeps to the bottom line, the run's log lines go above it; a tick
# budget counts towards it (a run of 100 000 h capped at ticks is not at
# 0 %).
grep -q "^progress 100.0% market time 2026-01-01T00:20:00.000Z, .* events/s, ETA 0 s$" "$tmp/syn1.err" &&
  ok "plain progress lines without a terminal" || bad "no final progress line: $(grep progress "$tmp/syn1.err" | tail -n 2)"
"$cdb" backtest --config "$src/config/paper.conf" --progress --feed.max_ticks=1000000 \
  --run.duration=100000h --run.log_level=info >/dev/null 2>"$tmp/bar.err" || {
  echo "backtest --progress failed with status $?"; tail -n 20 "$tmp/bar.err"; exit 1; }
tr '\r' '\n' <"$tmp/bar.err" | sed $'s/^\033\\[K//' | grep '^\[[#.]\{30\}\]' >"$tmp/bars" || true
mixed=$(tr '\r' '\n' <"$tmp/bar.err" | grep -c $'ETA [0-9a-z ]*[^0-9a-z ]' || true)
if tail -n 1 "$tmp/bars" | grep -q '^\[#\{30\}\] 100.0%  .*  .* events/s  ETA 0 s$' &&
  [ "$(sed -n 's/^\[[#.]*\] *\([0-9.]*\)%.*/\1/p' "$tmp/bars" | sort -g -c && echo sorted)" = sorted ] &&
  [ "$mixed" = 0 ] && grep -q "INFO  \[feed\] " "$tmp/bar.err"; then
  ok "a bar with rate and ETA ($(wc -l <"$tmp/bars") draws, up to 100 %), log lines above it"
else
  bad "progress bar: $mixed lines run into it; $(tail -n 3 "$tmp/bars")"
fi
# The tick budget is a planned end: the feed says so without a warning.
if grep -q "INFO  \[feed\] .*disconnected: tick budget reached" "$tmp/bar.err" &&
  ! grep -q "WARN  \[feed\]" "$tmp/bar.err"; then
  ok "the planned end of the data is no warning"
else
  bad "the feed's end: $(grep "\[feed\]" "$tmp/bar.err" | tail -n 3)"
fi

# -- 2. recorded data --------------------------------------------------------------
for i in 1 2; do
  "$cdb" backtest "${conf[@]}" --data "$trades" "$quotes" --signal.bars=15s \
    --json "$tmp/rec$i.json" >"$tmp/rec$i.out" 2>"$tmp/rec$i.err" || {
    echo "backtest failed with status $?"; tail -n 20 "$tmp/rec$i.err"; exit 1; }
done
if cmp -s <(untimed "$tmp/rec1.json") <(untimed "$tmp/rec2.json"); then
  ok "two backtests of the recorded data give the same report ($(jq .signals "$tmp/rec1.json") signals, $(jq .rejected "$tmp/rec1.json") rejected)"
else
  bad "two backtests of the recorded data differ"
fi
"$cdb" backtest "${conf[@]}" --data "$trades" "$quotes" --signal.bars=15s --messages \
  --json "$tmp/recm.json" >"$tmp/recm.out" 2>"$tmp/recm.err" || {
  echo "backtest --messages failed with status $?"; tail -n 20 "$tmp/recm.err"; exit 1; }
cmp -s <(untimed "$tmp/rec1.json") <(untimed "$tmp/recm.json") &&
  ok "the recorded data by message (--messages) gives the same report" ||
  bad "the recorded data: --messages differs from direct delivery"
[ "$(jq .timing.events "$tmp/rec1.json")" = 19998 ] && ok "all 19998 recorded ticks replayed" ||
  bad "replayed $(jq .timing.events "$tmp/rec1.json") ticks, want 19998"
[ "$(jq .signals "$tmp/rec1.json")" -gt 0 ] && ok "signals from the recorded data" || bad "no signals"
# The shipped quotes end after four minutes, the trades run two hours: the
# feed says once that the trades have no quote to price them, and nothing
# fills. Its turns to stale (a trade every 0.75 s on average, gaps over
# feed.stale_after 262 times) show as five lines, then one an hour.
told=$(grep -c "BTCUSDT: trades without a recorded quote or book since 2020-02-22T00:0" "$tmp/rec1.err" || true)
stale=$(grep -c "\[feed\] BTCUSDT stale: " "$tmp/rec1.err" || true)
if [ "$told" = 1 ] && [ "$(jq .fills "$tmp/rec1.json")" = 0 ] && [ "$stale" -le 8 ] &&
  grep -q "from here on at most one such line an hour" "$tmp/rec1.err" &&
  grep -q "more since 2020-02-22T0.* not logged" "$tmp/rec1.err"; then
  ok "trades without quotes: told once, no fills; $stale lines for the feed's turns to stale"
else
  bad "trades without quotes: told $told times, $(jq .fills "$tmp/rec1.json") fills, $stale stale lines"
fi
# With feed.trade_quote_spread_bps the trades stand in for the missing
# quotes: the same report twice and by message, and it trades.
for m in "" --messages; do
  "$cdb" backtest "${conf[@]}" --data "$trades" "$quotes" --signal.bars=1min \
    --feed.trade_quote_spread_bps=1 $m --json "$tmp/tq$m.json" \
    >"$tmp/tq$m.out" 2>"$tmp/tq$m.err" || {
    echo "backtest with trade quotes failed with status $?"; tail -n 20 "$tmp/tq$m.err"; exit 1; }
done
"$cdb" backtest "${conf[@]}" --data "$trades" "$quotes" --signal.bars=1min \
  --feed.trade_quote_spread_bps=1 --json "$tmp/tq2.json" >/dev/null 2>&1
tq_events=$(jq .timing.events "$tmp/tq.json")
if cmp -s <(untimed "$tmp/tq.json") <(untimed "$tmp/tq2.json") &&
  cmp -s <(untimed "$tmp/tq.json") <(untimed "$tmp/tq--messages.json") &&
  [ "$(jq .fills "$tmp/tq.json")" -gt 0 ] && [ "$tq_events" -gt 19998 ] &&
  ! grep -q "trades without a recorded quote" "$tmp/tq.err"; then
  ok "trades make quotes: $(jq .fills "$tmp/tq.json") fills, $tq_events events (19998 records), the same report thrice"
else
  bad "trades make quotes: $(jq .fills "$tmp/tq.json") fills, $tq_events events; $(diff <(untimed "$tmp/tq.json") <(untimed "$tmp/tq2.json") | head -n 5)"
fi
"$cdb" backtest "${conf[@]}" --data "$trades" --from 2020-02-22T00:30:00Z \
  --to 2020-02-22T01:00:00Z --json "$tmp/win.json" >"$tmp/win.out" 2>"$tmp/win.err"
n=$(jq .timing.events "$tmp/win.json")
start=$(jq -r .start "$tmp/win.json")
end=$(jq -r .end "$tmp/win.json")
if [ "$n" -gt 0 ] && [ "$n" -lt 9999 ] && [[ "$start" > "2020-02-22T00:29:59" ]] &&
  [[ "$end" < "2020-02-22T01:00:01" ]]; then
  ok "--from/--to keep a window: $n trades from $start to $end"
else
  bad "window: $n trades from $start to $end"
fi

# Bars only (FTX 1m, one day): the settings made for ticks are named at
# start; fitted, no warning and the bars trade.
bars=$data/ftx-btcperp-1m-2022-01.csv
day=(--from 2022-01-01 --to 2022-01-02)
"$cdb" backtest "${conf[@]}" --data "$bars" "${day[@]}" \
  --json "$tmp/bars.json" >"$tmp/bars.out" 2>"$tmp/bars.err"
hints=$(grep -c "the recording has bars only: " "$tmp/bars.err" || true)
if [ "$hints" = 5 ] && grep -q "feed.bar_quote_spread_bps = 0: " "$tmp/bars.err" &&
  grep -q "signal.bars = 500ms: not the recording's 60s bars" "$tmp/bars.err" &&
  grep -q "execution.snapshot_interval = 1s is shorter than the bars' 60s" "$tmp/bars.err"; then
  ok "bars only: the five settings made for ticks are named"
else
  bad "bars only: $hints hints: $(grep backtest "$tmp/bars.err" | head -n 5)"
fi
"$cdb" backtest "${conf[@]}" --data "$bars" "${day[@]}" \
  --feed.bar_quote_spread_bps=2 --feed.stale_after=2min \
  --circuit_breaker.feed_stale_after=2min --signal.bars=1min \
  --execution.snapshot_interval=1min \
  --json "$tmp/bars2.json" >"$tmp/bars2.out" 2>"$tmp/bars2.err"
if ! grep -q "the recording has bars only" "$tmp/bars2.err" &&
  [ "$(jq .fills "$tmp/bars2.json")" -gt 0 ]; then
  ok "bars only, fitted: no hint, $(jq .fills "$tmp/bars2.json") fills"
else
  bad "bars only, fitted: $(grep -c backtest "$tmp/bars2.err") hints, $(jq .fills "$tmp/bars2.json") fills"
fi

# A backtest holds back a timed account snapshot that tells nothing new
# (docs/backtest.md, "Unchanged accounts"); publishing every one gives the
# same report. The day of bars with 1 s snapshots trades while most of its
# seconds change nothing, and it needs the rule that risk's estimate of
# an order waits for the next snapshot.
fit=(--feed.bar_quote_spread_bps=2 --feed.stale_after=2min
  --circuit_breaker.feed_stale_after=2min --signal.bars=1min)
for every in false true; do
  "$cdb" backtest "${conf[@]}" --data "$bars" "${day[@]}" "${fit[@]}" \
    --execution.publish_unchanged=$every --json "$tmp/every-$every.json" \
    >"$tmp/every-$every.out" 2>"$tmp/every-$every.err" || {
    echo "backtest (publish_unchanged=$every) failed with status $?"; tail -n 20 "$tmp/every-$every.err"; exit 1; }
done
if cmp -s <(untimed "$tmp/every-false.json") <(untimed "$tmp/every-true.json") &&
  [ "$(jq .fills "$tmp/every-false.json")" -gt 0 ]; then
  ok "unchanged snapshots held back: the report of publishing every one ($(jq .fills "$tmp/every-false.json") fills)"
else
  bad "held-back snapshots change the report: $(diff <(untimed "$tmp/every-false.json") <(untimed "$tmp/every-true.json") | head -n 10)"
fi

# -- 3. --persist ------------------------------------------------------------------
node="bt-$$-$RANDOM"
"$cdb" backtest "${conf[@]}" --run.duration=5min --persist --run.node_name="$node" \
  --json "$tmp/p.json" >"$tmp/p.out" 2>"$tmp/p.err" || {
  echo "persisted backtest failed with status $?"; tail -n 20 "$tmp/p.err"; exit 1; }
run=$(q "SELECT id FROM runs WHERE node = '$node'")
mode=$(q "SELECT mode FROM runs WHERE node = '$node'")
fills=$(q "SELECT count(*) FROM fills WHERE id LIKE '%-$run-%'")
if [ "$mode" = backtest ] && [ "$fills" = "$(jq .fills "$tmp/p.json")" ] && [ "$fills" -gt 0 ]; then
  ok "--persist: run $run recorded as a backtest with its $fills fills"
else
  bad "--persist: mode '$mode', $fills fills in the database, $(jq .fills "$tmp/p.json") in the report"
fi

# Signals that came to no decision (a close while flat): the database
# agrees with the recorder.
nodec=$(q "SELECT count(*) FROM signals s WHERE id LIKE '%-$run-%' AND NOT EXISTS (SELECT 1 FROM risk_decisions d WHERE d.signal_id = s.id)")
if [ "$nodec" = "$(jq .signals_without_decision "$tmp/p.json")" ]; then
  ok "--persist: $nodec of $(jq .signals "$tmp/p.json") signals without a decision, in the database as in the report"
else
  bad "--persist: $nodec signals without a decision in the database, $(jq .signals_without_decision "$tmp/p.json") in the report"
fi

# The same report from the database: cdb report --html renders what the
# backtest printed (the table in the page, line for line).
"$cdb" report --run "$run" --html "$tmp/db.html" >"$tmp/db.out" 2>"$tmp/db.err" || bad "cdb report --html failed: $(cat "$tmp/db.err")"
sed -n '/<pre>/,/<\/pre>/p' "$tmp/db.html" | sed 's/<pre>//; s/&gt;/>/g' | sed -n '/^period/,/^per strategy/p' >"$tmp/db.table"
sed -n '/^period/,/^per strategy/p' "$tmp/p.out" >"$tmp/p.table"
if [ -s "$tmp/p.table" ] && cmp -s "$tmp/p.table" "$tmp/db.table"; then
  ok "cdb report --html renders the same report from the database"
else
  bad "the report from the database differs: $(diff "$tmp/p.table" "$tmp/db.table" | head -n 6)"
fi

# -- 4. the HTML page ----------------------------------------------------------------
html=$tmp/syn.html
if grep -q '<path id="equity-path" d="M80.0,' "$html" && grep -q '<path id="drawdown-path"' "$html"; then
  ok "the page has the equity and drawdown charts"
else
  bad "no equity or drawdown chart in the page"
fi
# The equity path ends at the plot's right edge (960 - 24): it spans the run.
last_x=$(sed -n 's/.*<path id="equity-path" d="\([^"]*\)".*/\1/p' "$html" | tr 'L' '\n' | tail -n 1 | cut -d, -f1)
[ "$last_x" = 936.0 ] && ok "the equity path spans the run" || bad "the equity path ends at x=$last_x"
if grep -E '(src|href)="(https?:)?//' "$html" >/dev/null || grep -q '<script' "$html"; then
  bad "the page loads something from outside or runs a script"
else
  ok "the page is self-contained"
fi
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  bad "chromium is not installed (scripts/deps.sh installs it)"
else
  shot="$(pwd)/backtest-report.png"
  rm -f "$shot"
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$tmp/chrome" --enable-logging=stderr --v=0 \
    --window-size=1024,1400 --screenshot="$shot" "file://$html" \
    >"$tmp/chrome.out" 2>"$tmp/chrome.err" || true
  if grep -E 'CONSOLE|Uncaught|ERR_FILE' "$tmp/chrome.err" >/dev/null; then
    bad "chromium reported errors: $(grep -E 'CONSOLE|Uncaught|ERR_FILE' "$tmp/chrome.err" | head -n 3)"
  else
    ok "chromium opened the page without console errors"
  fi
  if [ -s "$shot" ] && [ "$(head -c 4 "$shot" | od -An -c | tr -d ' ')" = '211PNG' ]; then
    ok "screenshot taken ($shot, $(wc -c <"$shot") bytes)"
  else
    bad "no screenshot: $(tail -n 3 "$tmp/chrome.err")"
  fi
fi

# -- interrupted: the report of the run so far ----------------------------------------
# SIGTERM, and SIGINT (reset to its default: a background job of a script
# starts with it ignored, and cdb keeps an ignored SIGINT ignored), once
# the run has begun (its first progress line): 480 market hours would take
# a minute or more.
for sig in TERM INT; do
  env --default-signal=INT "$cdb" backtest "${conf[@]}" --run.duration=480h \
    --json "$tmp/int-$sig.json" >"$tmp/int-$sig.out" 2>"$tmp/int-$sig.err" &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q "^progress" "$tmp/int-$sig.err" && break
    sleep 0.1
  done
  kill -"$sig" "$pid"
  set +e
  wait "$pid"
  st=$?
  set -e
  want=$((128 + $(kill -l "$sig")))
  if [ "$st" = "$want" ] &&
    grep -q "SIG$sig: stopped at market time 2026-01-.*; the report covers the run up to there" "$tmp/int-$sig.err" &&
    grep -q "^backtest on the synthetic market (seed 42) (interrupted at 2026-01-" "$tmp/int-$sig.out" &&
    grep -q '"title": *"backtest on the synthetic market (seed 42) (interrupted at 2026-01-' "$tmp/int-$sig.json"; then
    ok "SIG$sig: exit $st with the report of the run so far, titled interrupted"
  else
    bad "SIG$sig: status $st (want $want); $(tail -n 3 "$tmp/int-$sig.err")"
  fi
done

# -- without --persist a backtest writes nothing but its report -------------------------
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && "$cdb" backtest "${conf[@]}" --run.duration=1min --json r.json >/dev/null 2>&1)
left=$(cd "$tmp/cwd" && find . -mindepth 1 -maxdepth 1 -printf '%f ')
[ "$left" = "r.json " ] && ok "without --persist: nothing but the report in the working directory" ||
  bad "without --persist the working directory holds: $left"

# -- a silence in the data: told once, at its start ----------------------------------
# The first 200 trades, and the next 200 moved two days on (timestamp and
# local_timestamp, microseconds).
head -n 201 "$trades" >"$tmp/day1.csv"
{
  head -n 1 "$trades"
  sed -n '202,401p' "$trades" |
    awk -F, -v OFS=, '{ $3 = sprintf("%.0f", $3 + 172800000000); $4 = sprintf("%.0f", $4 + 172800000000); print }'
} >"$tmp/day3.csv"
"$cdb" backtest "${conf[@]}" --data "$tmp/day1.csv" "$tmp/day3.csv" \
  >"$tmp/silence.out" 2>"$tmp/silence.err"
told=$(grep -c "no data from 2020-02-22T.* to 2020-02-24T.* (2 d 0 h): the node lives through it" "$tmp/silence.err" || true)
if [ "$told" = 1 ] && grep -q "market events 400 " "$tmp/silence.out"; then
  ok "a two-day silence between two files: told once, every record replayed"
else
  bad "silence: told $told times; $(grep 'market events' "$tmp/silence.out")"
fi

# -- 5. bad input --------------------------------------------------------------------
set +e
"$cdb" backtest "${conf[@]}" --data "$tmp/missing.csv" >"$tmp/bad1.out" 2>"$tmp/bad1.err"
s1=$?
"$cdb" backtest "${conf[@]}" --from yesterday >"$tmp/bad2.out" 2>"$tmp/bad2.err"
s2=$?
"$cdb" backtest "${conf[@]}" --data "$trades" --from 2030-01-01 >"$tmp/bad3.out" 2>"$tmp/bad3.err"
s3=$?
"$cdb" backtest "${conf[@]}" --data "$trades" --html "$tmp/nodir/r.html" >"$tmp/bad4.out" 2>"$tmp/bad4.err"
s4=$?
set -e
[ "$s1" = 2 ] && grep -q "missing.csv" "$tmp/bad1.err" && ok "a missing file: exit 2, named" ||
  bad "missing file: status $s1, $(cat "$tmp/bad1.err")"
[ "$s2" = 2 ] && grep -q -- "--from = yesterday: must be a UTC time" "$tmp/bad2.err" &&
  ok "a bad time: exit 2, explained" || bad "bad time: status $s2, $(cat "$tmp/bad2.err")"
[ "$s3" = 2 ] && grep -q "no record to replay in the window from 2030-01-01T00:00:00.000Z to the end: the files' [0-9]* records run from 2020-02-22T" "$tmp/bad3.err" &&
  ok "an empty window: exit 2, explained by what the file holds" || bad "empty window: status $s3, $(cat "$tmp/bad3.err")"
[ "$s4" = 2 ] && grep -q -- "--html = $tmp/nodir/r.html: the directory $tmp/nodir does not exist" "$tmp/bad4.err" &&
  ! grep -q "progress" "$tmp/bad4.err" &&
  ok "a report file that could not be written: exit 2 before the run" || bad "unwritable report: status $s4, $(cat "$tmp/bad4.err")"

[ "$failed" = 0 ] || { echo "$failed check(s) failed"; exit 1; }
echo "backtest: deterministic, windowed, persisted on request, reported"
