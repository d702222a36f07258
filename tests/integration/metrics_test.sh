#!/usr/bin/env bash
# The node's Prometheus endpoint: a running paper node's /metrics parses
# (promtool check metrics, Debian's prometheus package), carries the named
# families, each labelled with the node, and the trading ones move while
# the node trades. Then SIGTERM: a clean stop.
set -euo pipefail
cdb=${1:?usage: metrics_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
src=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

"$cdb" run --config "$src/config/paper.conf" --feed.max_ticks=100000000 \
  --market.step=2ms --signal.bars=40ms \
  '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
  --circuit_breaker.losing_streak_action=off >"$tmp/out" 2>"$tmp/err" &
pid=$!
url=
for _ in $(seq 1 100); do # up to 20 s to listen
  url=$(sed -n 's/.*metrics on \(http:[^ ]*\).*/\1/p' "$tmp/err" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || { echo "FAIL no metrics endpoint logged"; tail -n 20 "$tmp/err"; exit 1; }
case "$url" in
  http://127.0.0.1:*) ok "metrics served on loopback: $url" ;;
  *) bad "metrics not on loopback: $url" ;;
esac
value() { # value FILE SERIES: the sample of SERIES (name{labels}), or empty
  awk -v s="$2" '$1 == s { print $2 }' "$1"
}
n='{node="test-metrics_scrape"}'
curl -sf "$url" >"$tmp/first"
before=$(value "$tmp/first" "cdb_fills_total$n")
for _ in $(seq 1 150); do # up to 30 s for more fills
  sleep 0.2
  curl -sf "$url" >"$tmp/second"
  after=$(value "$tmp/second" "cdb_fills_total$n")
  [ "${after:-0}" -gt "${before:-0}" ] && break
done
sleep 0.5 # a persistence flush after the fill
curl -sf "$url" >"$tmp/second"

if promtool check metrics <"$tmp/second" >"$tmp/lint" 2>&1; then
  ok "promtool check metrics: the scrape parses, no lint problem"
else
  bad "promtool check metrics: $(cat "$tmp/lint")"
fi
for family in cdb_build_info cdb_process_resident_memory_bytes \
    cdb_process_cpu_seconds_total cdb_process_open_fds \
    cdb_process_uptime_seconds cdb_actor_restarts_total \
    cdb_feed_messages_total cdb_signals_total cdb_risk_decisions_total \
    cdb_trading_state cdb_breaker_trips_total cdb_fills_total cdb_equity \
    cdb_fees_paid cdb_persist_events_written_total \
    cdb_persist_backlog_events cdb_persist_spool_events \
    cdb_persist_latency_seconds; do
  if grep -q "^# TYPE $family " "$tmp/second"; then :; else
    bad "family $family missing"
  fi
done
# (prometheus-cpp adds its own exposer_* families, without the label.)
unlabelled=$(grep '^cdb_' "$tmp/second" | grep -vc 'node="test-metrics_scrape"' || true)
[ "$unlabelled" = 0 ] && ok "every cdb sample carries the node label" ||
  bad "$unlabelled samples without the node label"
moved() { # moved SERIES: larger in the second scrape than in the first
  local a b
  a=$(value "$tmp/first" "$1")
  b=$(value "$tmp/second" "$1")
  if awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN { exit !(b > a) }'; then
    ok "$1 moved ($a -> $b)"
  else
    bad "$1 did not move ($a -> $b)"
  fi
}
moved "cdb_feed_messages_total$n"
moved "cdb_fills_total$n"
moved "cdb_persist_events_written_total$n"
moved 'cdb_risk_decisions_total{node="test-metrics_scrape",outcome="approved"}'
moved "cdb_persist_latency_seconds_count$n"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] && grep -q "clean stop" "$tmp/err" && ok "clean stop on SIGTERM" ||
  bad "stop status $status"
[ "$failed" -eq 0 ] || tail -n 20 "$tmp/err"
echo "metrics_scrape: $failed failed"
[ "$failed" -eq 0 ]
