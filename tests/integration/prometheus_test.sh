#!/usr/bin/env bash
# The shipped deploy/ assets against real software: promtool checks the
# Prometheus config and alert rules and runs the rules' unit tests; the
# Grafana dashboards are valid JSON with a query in every panel. Then a
# real Prometheus (Debian's package) with the shipped config, its target
# pointed at a running test node on loopback, scrapes it: its HTTP API
# answers up == 1 and the node's equity, every dashboard query evaluates
# without error, and every alert rule evaluates healthy.
set -euo pipefail
cdb=${1:?usage: prometheus_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "$0")/../.." && pwd)
deploy=$src/deploy
tmp=$(mktemp -d)
pid=
prom=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  [ -n "$prom" ] && kill -9 "$prom" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

# -- the files -----------------------------------------------------------------
if promtool check config "$deploy/prometheus/prometheus.yml" >"$tmp/check" 2>&1; then
  ok "promtool check config (and its rule files)"
else
  bad "promtool check config: $(cat "$tmp/check")"
fi
if promtool check rules "$deploy/prometheus/alerts.yml" >"$tmp/check" 2>&1; then
  ok "promtool check rules: $(grep -o '[0-9]* rules found' "$tmp/check")"
else
  bad "promtool check rules: $(cat "$tmp/check")"
fi
if (cd "$deploy/prometheus" && promtool test rules alerts_test.yml) >"$tmp/check" 2>&1; then
  ok "promtool test rules: the alerts fire on their series"
else
  bad "promtool test rules: $(cat "$tmp/check")"
fi
for d in "$deploy"/grafana/*.json; do
  if jq -e '.uid and .title and (.panels | length > 0)
      and all(.panels[]; (.targets | length > 0) and all(.targets[]; .expr | length > 0))' \
      "$d" >/dev/null 2>&1; then
    ok "dashboard $(basename "$d"): $(jq '.panels | length' "$d") panels, each with a query"
  else
    bad "dashboard $(basename "$d") is not valid JSON or has a panel without a query"
  fi
done

# -- a node and a real Prometheus ----------------------------------------------
. "$src/tests/support/paper_node.sh"
# shellcheck disable=SC2119 # no extra options: the defaults
start_paper_node || exit 1
target=${metrics_url#http://}
target=${target%/metrics}

# The shipped config with only its target changed.
mkdir "$tmp/prom"
sed "s|127.0.0.1:9464|$target|" "$deploy/prometheus/prometheus.yml" >"$tmp/prom/prometheus.yml"
cp "$deploy/prometheus/alerts.yml" "$tmp/prom/"
api=
for _ in 1 2 3 4 5; do # a random free port on loopback
  port=$((20000 + RANDOM % 30000))
  prometheus --config.file="$tmp/prom/prometheus.yml" \
    --storage.tsdb.path="$tmp/prom/data" --web.listen-address="127.0.0.1:$port" \
    >"$tmp/prom.log" 2>&1 &
  prom=$!
  for _ in $(seq 1 50); do # up to 10 s to be ready
    if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
      api=http://127.0.0.1:$port/api/v1
      break 2
    fi
    kill -0 "$prom" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "$prom" 2>/dev/null || true
  wait "$prom" 2>/dev/null || true
  prom=
done
[ -n "$api" ] || { echo "FAIL prometheus did not start"; tail -n 20 "$tmp/prom.log"; exit 1; }
ok "prometheus $(prometheus --version 2>&1 | head -n 1 | awk '{ print $3 }') on 127.0.0.1:$port scraping $target"

query() { # query PROMQL: the JSON answer of an instant query
  curl -sf --get --data-urlencode "query=$1" "$api/query"
}
first() { # first PROMQL: the value of the first sample, or empty
  query "$1" | jq -r '.data.result[0].value[1] // empty'
}
up=
for _ in $(seq 1 60); do # up to 30 s for the first scrapes
  up=$(first 'up{job="cdb"}')
  [ "$up" = 1 ] && [ -n "$(first 'cdb_fills_total{node="test-prometheus_scrape"} > 0')" ] && break
  sleep 0.5
done
[ "$up" = 1 ] && ok "up{job=\"cdb\"} == 1" || bad "up{job=\"cdb\"} is '$up'"
equity=$(first 'cdb_equity{node="test-prometheus_scrape"}')
[ -n "$equity" ] && ok "cdb_equity from Prometheus: $equity" || bad "no cdb_equity in Prometheus"
fills=$(first 'cdb_fills_total{node="test-prometheus_scrape"}')
[ -n "$fills" ] && [ "$fills" != 0 ] && ok "cdb_fills_total from Prometheus: $fills" ||
  bad "cdb_fills_total from Prometheus: '$fills'"

# Every dashboard query evaluates ($node: every node).
exprs=0
while IFS= read -r expr; do
  exprs=$((exprs + 1))
  answer=$(query "${expr//\$node/.*}" || true)
  if [ "$(echo "$answer" | jq -r '.status' 2>/dev/null)" != success ]; then
    bad "dashboard query fails: $expr"
  fi
done < <(jq -r '.panels[].targets[].expr' "$deploy"/grafana/*.json)
ok "$exprs dashboard queries sent to Prometheus"

# Every alert rule has been evaluated, healthy.
for _ in $(seq 1 40); do # the evaluation interval is 15 s
  curl -sf "$api/rules" >"$tmp/rules"
  pending=$(jq '[.data.groups[].rules[] | select(.health != "ok")] | length' "$tmp/rules")
  [ "$pending" = 0 ] && break
  sleep 0.5
done
rules=$(jq '[.data.groups[].rules[]] | length' "$tmp/rules")
if [ "$pending" = 0 ] && [ "$rules" -gt 0 ]; then
  ok "all $rules alert rules evaluated healthy"
else
  bad "rules not healthy: $(jq -c '[.data.groups[].rules[] | select(.health != "ok") | {name, health, lastError}]' "$tmp/rules")"
fi
firing=$(curl -sf "$api/alerts" | jq -r '[.data.alerts[] | select(.state == "firing") | .labels.alertname] | join(",")')
[ -z "$firing" ] && ok "no alert fires on a healthy node" || bad "alerts firing on a healthy node: $firing"

kill -TERM "$prom" 2>/dev/null || true
wait "$prom" 2>/dev/null || true
prom=
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] && ok "node stopped cleanly" || bad "node stop status $status"
[ "$failed" -eq 0 ] || { tail -n 20 "$tmp/err"; tail -n 20 "$tmp/prom.log"; }
echo "prometheus_scrape: $failed failed"
[ "$failed" -eq 0 ]
