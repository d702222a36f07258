#!/usr/bin/env bash
# The node's Prometheus endpoint: a running paper node (its timer slack
# 1 us, as run.timer_slack sets it) and its /metrics, which parses
# (promtool check metrics, Debian's prometheus package), carries the named
# families, each labelled with the node, and the trading ones move while
# the node trades; every metric the shipped alert rules and dashboards use
# is in the scrape. Its HTTP API: /health, /ready (200 once ready),
# /api/state (mode, account, recent decisions), admin
# without or with a wrong token 401, halt: no order reaches execution while
# signals go on; resume: orders again. Idle connections do not hold the
# metrics endpoint. Then SIGTERM: a clean stop.
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

. "$src/tests/support/paper_node.sh"
token=metrics-test-token-0123456789
export CDB_ADMIN_TOKEN=$token
# shellcheck disable=SC2119 # no extra options: the defaults
start_paper_node || exit 1
url=$metrics_url
admin=$admin_url
case "$url" in
  http://127.0.0.1:*) ok "metrics served on loopback: $url" ;;
  *) bad "metrics not on loopback: $url" ;;
esac
# run.timer_slack (default 1us) is set before the node's threads start.
slack=$(cat "/proc/$pid/timerslack_ns")
if [ "$slack" = 1000 ]; then
  ok "the node's timer slack is 1000 ns"
else
  bad "the node's timer slack is $slack ns, not 1000"
fi
# Two CAF workers by default (CAF 0.17 names its workers caf.multiplexer;
# a single node loads no middleman, whose thread has the same name).
workers=$(cat /proc/"$pid"/task/*/comm | grep -cx caf.multiplexer || true)
if [ "$workers" = 2 ]; then
  ok "the node runs two CAF worker threads"
else
  bad "the node runs $workers CAF worker threads, not 2"
fi
value() { # value FILE SERIES: the sample of SERIES (name{labels}), or empty
  awk -v s="$2" '$1 == s { print $2 }' "$1"
}
n='{node="test-metrics_scrape"}'
curl -sf "$url" >"$tmp/first"
before=$(value "$tmp/first" "cdb_fills_total$n")
written=$(value "$tmp/first" "cdb_persist_events_written_total$n")
# Up to 30 s for more fills and a commit after them (a fixed wait for the
# commit failed once under make test's load: PostgreSQL took longer).
for _ in $(seq 1 150); do
  sleep 0.2
  curl -sf "$url" >"$tmp/second"
  after=$(value "$tmp/second" "cdb_fills_total$n")
  now=$(value "$tmp/second" "cdb_persist_events_written_total$n")
  [ "${after:-0}" -gt "${before:-0}" ] && [ "${now:-0}" -gt "${written:-0}" ] &&
    break
done

if promtool check metrics <"$tmp/second" >"$tmp/lint" 2>&1; then
  ok "promtool check metrics: the scrape parses, no lint problem"
else
  bad "promtool check metrics: $(cat "$tmp/lint")"
fi
for family in cdb_build_info cdb_process_resident_memory_bytes \
    cdb_process_cpu_seconds_total cdb_process_open_fds \
    cdb_process_uptime_seconds cdb_actor_up cdb_actor_messages_total \
    cdb_actor_handling_seconds cdb_actor_mailbox_messages \
    cdb_actor_restarts_total cdb_actor_failures_total \
    cdb_feed_messages_total cdb_feed_parse_errors_total \
    cdb_feed_reconnects_total cdb_feed_gaps_total cdb_feed_data_age_seconds \
    cdb_feed_status cdb_signals_total cdb_risk_decisions_total \
    cdb_tick_to_order_seconds cdb_trading_state cdb_breaker_trips_total \
    cdb_breaker_rule_trips_total cdb_orders_received_total cdb_orders_total \
    cdb_order_events_total cdb_slippage_bps cdb_fills_total cdb_equity \
    cdb_cash cdb_exposure cdb_daily_pnl cdb_drawdown_ratio \
    cdb_open_positions cdb_position_notional cdb_fees_paid \
    cdb_persist_events_written_total cdb_persist_backlog_events \
    cdb_persist_spool_events cdb_persist_latency_seconds \
    cdb_persist_batch_events cdb_persist_commit_seconds cdb_database_up; do
  if grep "^# TYPE $family " "$tmp/second" >/dev/null; then :; else
    bad "family $family missing"
  fi
done
# Every metric the shipped alert rules and dashboards use: a family of the
# scrape, or a histogram's _bucket, _sum or _count.
used=$(cat "$src/deploy/prometheus/alerts.yml" "$src"/deploy/grafana/*.json |
  grep -o 'cdb_[a-z0-9_]*' | sort -u)
missing=0
for name in $used; do
  base=$name
  for suffix in _bucket _sum _count; do
    stem=${name%"$suffix"}
    if [ "$stem" != "$name" ] &&
      grep "^# TYPE $stem histogram" "$tmp/second" >/dev/null; then
      base=$stem
    fi
  done
  if grep "^# TYPE $base " "$tmp/second" >/dev/null; then :; else
    bad "$name (used in deploy/) is not in the scrape"
    missing=$((missing + 1))
  fi
done
[ "$missing" = 0 ] &&
  ok "all $(echo "$used" | wc -l) metrics of deploy/ alerts and dashboards are in the scrape"
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
moved 'cdb_feed_messages_total{node="test-metrics_scrape",type="trade"}'
moved "cdb_fills_total$n"
moved "cdb_persist_events_written_total$n"
moved "cdb_persist_latency_seconds_count$n"
moved "cdb_persist_commit_seconds_count$n"
moved "cdb_orders_received_total$n"
moved "cdb_tick_to_order_seconds_count$n"
moved 'cdb_actor_messages_total{node="test-metrics_scrape",actor="execution"}'
moved 'cdb_signals_total{node="test-metrics_scrape",strategy="ema_cross"}'
approved=$(grep '^cdb_risk_decisions_total{.*outcome="approved"' "$tmp/second" |
  awk '{ n += $2 } END { print n + 0 }')
[ "$approved" -gt 0 ] && ok "risk decisions by outcome, layer and reason: $approved approved" ||
  bad "no approved decision in the scrape"
grep '^cdb_database_up{node="test-metrics_scrape"} 1$' "$tmp/second" >/dev/null &&
  ok "database up" || bad "cdb_database_up is not 1"

# Health and readiness.
[ "$(curl -s "$admin/health")" = ok ] && ok "/health: ok" || bad "/health"
code=$(curl -s -o "$tmp/ready" -w '%{http_code}' "$admin/ready")
if [ "$code" = 200 ] && grep '"ready":true' "$tmp/ready" >/dev/null; then
  ok "/ready: 200 $(cat "$tmp/ready")"
else
  bad "/ready: $code $(cat "$tmp/ready")"
fi

curl -sf "$admin/api/state" >"$tmp/state" || true
if jq -e '.mode == "ACTIVE" and .account.equity > 0
    and (.account.positions | type == "array")
    and (.recent_decisions | length > 0)' "$tmp/state" >/dev/null 2>&1; then
  ok "/api/state: mode, account ($(jq '.account.positions | length' "$tmp/state") positions), $(jq '.recent_decisions | length' "$tmp/state") recent decisions"
else
  bad "/api/state: $(head -c 400 "$tmp/state")"
fi

# Admin: the token is required; halt stops orders reaching execution.
scrape_value() { # scrape_value SERIES: its current value
  curl -sf "$url" >"$tmp/now" && value "$tmp/now" "$1"
}
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$admin/admin/halt")
[ "$code" = 401 ] && ok "halt without a token: 401" || bad "halt without a token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
  -H "Authorization: Bearer wrong-token-wrong-token" "$admin/admin/halt")
[ "$code" = 401 ] && ok "halt with a wrong token: 401" || bad "halt with a wrong token: $code"
code=$(curl -s -o "$tmp/halt" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" -d "metrics test" "$admin/admin/halt")
[ "$code" = 200 ] && grep HALTED "$tmp/halt" >/dev/null && ok "halt: $(cat "$tmp/halt")" ||
  bad "halt: $code $(cat "$tmp/halt")"
sleep 0.5 # orders risk approved before it heard of the halt may still arrive
orders_halted=$(scrape_value "cdb_orders_received_total$n")
signals_halted=$(awk '/^cdb_signals_total/ { n += $2 } END { print n + 0 }' "$tmp/now")
state=$(scrape_value "cdb_trading_state$n")
[ "$state" = 2 ] && ok "cdb_trading_state 2 while halted" || bad "cdb_trading_state $state while halted"
signals_now=$signals_halted
for _ in $(seq 1 100); do # until 3 more signals come (up to 20 s)
  sleep 0.2
  scrape_value "cdb_orders_received_total$n" >/dev/null
  signals_now=$(awk '/^cdb_signals_total/ { n += $2 } END { print n + 0 }' "$tmp/now")
  [ "$signals_now" -ge $((signals_halted + 3)) ] && break
done
orders_after=$(value "$tmp/now" "cdb_orders_received_total$n")
if [ "$signals_now" -ge $((signals_halted + 3)) ] && [ "$orders_after" = "$orders_halted" ]; then
  ok "halted: signals $signals_halted -> $signals_now, orders at execution stay $orders_halted"
else
  bad "halted: signals $signals_halted -> $signals_now, orders at execution $orders_halted -> $orders_after"
fi
code=$(curl -s -o "$tmp/resume" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" -d "metrics test done" "$admin/admin/resume")
[ "$code" = 200 ] && grep ACTIVE "$tmp/resume" >/dev/null && ok "resume: ACTIVE" ||
  bad "resume: $code $(cat "$tmp/resume")"
orders_resumed=$orders_after
for _ in $(seq 1 150); do # up to 30 s for a new order
  sleep 0.2
  orders_resumed=$(scrape_value "cdb_orders_received_total$n")
  [ "$orders_resumed" -gt "$orders_after" ] && break
done
[ "$orders_resumed" -gt "$orders_after" ] &&
  ok "resumed: orders at execution $orders_after -> $orders_resumed" ||
  bad "no order reached execution after the resume ($orders_after)"

# Slow clients: five connections that send nothing (or half a request)
# hold more than the exporter's four threads; each is cut off after 2 s, so
# a scrape still gets through.
hostport=${url#http://}
hostport=${hostport%/metrics}
idle=()
for _ in 1 2 3 4 5; do
  exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  idle+=("$fd")
done
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"${idle[0]}"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url" || true)
for fd in "${idle[@]}"; do exec {fd}>&-; done
[ "$code" = 200 ] && ok "a scrape gets through five idle connections" ||
  bad "scrape with five idle connections: $code"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] && grep -q "clean stop" "$tmp/err" && ok "clean stop on SIGTERM" ||
  bad "stop status $status"
[ "$failed" -eq 0 ] || tail -n 20 "$tmp/err"
echo "metrics_scrape: $failed failed"
[ "$failed" -eq 0 ]
