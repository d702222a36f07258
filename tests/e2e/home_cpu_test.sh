#!/usr/bin/env bash
# run.home_cpu on real processes. `cdb run` against the exchange simulator
# over loopback: the home worker alone on the home CPU, every other thread
# of the node (the helper, the feed's network thread, CAF's timer and
# middleman, the metrics and admin servers) on the other CPUs. `cdb
# backtest` with a home CPU: its thread there, and the same report as
# without one; without one, on two CPUs or more, its actors' thread tries
# them (run.pick_home_cpu), alone on the one it is on while it runs.
set -euo pipefail
cdb=${1:?usage: home_cpu_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"

# The CPUs this test may use, one per line, and the kernel's way of writing
# a list of them ("0-2,5").
expand() {
  local part
  for part in ${1//,/ }; do
    seq "${part%-*}" "${part#*-}"
  done
}
compress() {
  awk 'NR == 1 { lo = hi = $1; next }
       $1 == hi + 1 { hi = $1; next }
       { out = out sep (lo == hi ? lo : lo "-" hi); sep = ","; lo = hi = $1 }
       END { if (NR) print out sep (lo == hi ? lo : lo "-" hi) }'
}
allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
home=$(expand "$allowed" | tail -n 1)
others=$(expand "$allowed" | grep -vx "$home" | compress || true)
[ -n "$others" ] || others=$home # one CPU: every thread shares it
echo "CPUs $allowed: home $home, the others $others"

start_sim "$cdb" "$tmp" --market.step=5ms
streams="btcusdt@trade/btcusdt@bookTicker"
"$cdb" run --config "$src/config/paper.conf" --feed.source=binance \
  --feed.url="ws://127.0.0.1:$sim_port/stream?streams=$streams" \
  --run.home_cpu="$home" --run.duration=60s >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 200); do
  grep -q "connected to ws://127.0.0.1:$sim_port" "$tmp/err" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "connected to ws://127.0.0.1:$sim_port" "$tmp/err" &&
  ok "the node trades on the simulator's stream" || bad "the feed never connected"
grep -q "home worker on CPU $home, helpers on $others" "$tmp/err" &&
  ok "the node says where its threads run" ||
  bad "no 'home worker on CPU $home, helpers on $others' line"
# Each thread's CPUs, once every worker has looked for work.
sleep 1
: >"$tmp/threads"
for t in /proc/"$pid"/task/*; do
  printf '%s %s\n' "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status")" \
    "$(cat "$t/comm")" >>"$tmp/threads" || true
done
cat "$tmp/threads"
n=$(wc -l <"$tmp/threads")
on_home=$(awk -v h="$home" '$1 == h' "$tmp/threads" | wc -l)
off=$(awk -v h="$home" -v o="$others" '$1 != h && $1 != o' "$tmp/threads" | wc -l)
[ "$n" -ge 6 ] && ok "$n threads looked at" || bad "only $n threads"
if [ "$others" != "$home" ]; then
  [ "$on_home" -eq 1 ] && ok "one thread on CPU $home: the home worker" ||
    bad "$on_home threads on CPU $home"
  [ "$off" -eq 0 ] && ok "every other thread on CPUs $others" ||
    bad "$off threads neither on the home CPU nor on the others"
else
  [ "$on_home" -eq "$n" ] && ok "one CPU: every thread on it" ||
    bad "$on_home of $n threads on the only CPU"
fi
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] && grep -q "clean stop" "$tmp/err" &&
  ok "clean stop, exit 0" || bad "status $status after SIGTERM"

# A backtest: its one thread runs the actors on the home CPU, the data
# thread off it; what it computes does not depend on where.
bt() {
  "$cdb" backtest --config "$src/config/paper.conf" --run.duration=20min \
    --no-progress --json "$tmp/$1.json" "${@:2}" >/dev/null 2>"$tmp/$1.err"
}
bt plain --run.pick_home_cpu=false &&
  bt placed --run.home_cpu="$home" --run.log_level=info &&
  ok "backtests ran with and without a home CPU" || bad "a backtest failed"
grep -q "actors on CPU $home, other threads on $others" "$tmp/placed.err" &&
  ok "the backtest says where its threads run" ||
  bad "no 'actors on CPU $home' line from the backtest"
cmp -s <(jq -S 'del(.timing)' "$tmp/plain.json") \
  <(jq -S 'del(.timing)' "$tmp/placed.json") &&
  ok "the same report with and without a home CPU ($(jq .fills "$tmp/plain.json") fills)" ||
  bad "the reports differ"

# With no home CPU (the default) on two CPUs or more, a backtest tries
# them (run.pick_home_cpu): its actors' thread alone on one CPU while it
# runs, every other thread off it, and still the same report.
if [ "$others" != "$home" ]; then
  "$cdb" backtest --config "$src/config/paper.conf" --no-progress \
    --feed.max_ticks=20000000 --run.duration=100000h --run.log_level=info \
    --json "$tmp/picked.json" >/dev/null 2>"$tmp/picked.err" &
  pid=$!
  for _ in $(seq 300); do
    grep -q "market time" "$tmp/picked.err" 2>/dev/null && break
    grep -q "the actors' thread tries CPUs" "$tmp/picked.err" && break
    sleep 0.05
  done
  sleep 0.2
  main_cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$pid/status" || true)
  : >"$tmp/picked.threads"
  for t in /proc/"$pid"/task/*; do
    [ "${t##*/}" = "$pid" ] && continue
    sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status" >>"$tmp/picked.threads" || true
  done
  wait "$pid" && ok "a backtest ran trying the CPUs" || bad "the backtest failed"
  grep -q "the actors' thread tries CPUs" "$tmp/picked.err" &&
    ok "the backtest says it tries the CPUs" || bad "no 'tries CPUs' line"
  echo "actors' thread on $main_cpus, the others: $(sort -u "$tmp/picked.threads" | tr '\n' ' ')"
  case "$main_cpus" in
    *[,-]* | "") bad "the actors' thread was on '$main_cpus', not on one CPU" ;;
    *) ok "the actors' thread on one CPU ($main_cpus) while it ran" ;;
  esac
  n=$(wc -l <"$tmp/picked.threads")
  on=$(while read -r l; do expand "$l"; done <"$tmp/picked.threads" |
    grep -cx "$main_cpus" || true)
  [ "$n" -ge 1 ] && [ "$on" -eq 0 ] &&
    ok "its $n other threads off CPU $main_cpus" ||
    bad "$on of $n other threads may run on CPU $main_cpus"
  cpu=$(jq .timing.actors_cpu "$tmp/picked.json")
  expand "$allowed" | grep -qx "$cpu" &&
    ok "the report names the CPU it ended on ($cpu)" ||
    bad "timing.actors_cpu is $cpu"
  "$cdb" backtest --config "$src/config/paper.conf" --no-progress \
    --feed.max_ticks=20000000 --run.duration=100000h --run.pick_home_cpu=false \
    --json "$tmp/unpicked.json" >/dev/null 2>&1 &&
    cmp -s <(jq -S 'del(.timing)' "$tmp/unpicked.json") \
      <(jq -S 'del(.timing)' "$tmp/picked.json") &&
    ok "the same report whether it tried the CPUs or not" ||
    bad "the reports differ with and without trying the CPUs"
fi

[ "$failed" -eq 0 ] || { tail -n 25 "$tmp/err"; tail -n 10 "$tmp/sim.err"; }
echo "home_cpu: $failed failed"
[ "$failed" -eq 0 ]
