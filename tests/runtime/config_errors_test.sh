#!/usr/bin/env bash
# Every class of bad configuration exits with status 2 and a message naming
# the key (and the rule). The node must not start: no DSN is reachable here.
set -uo pipefail
cdb=${1:?usage: config_errors_test.sh CDB_BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CDB_PERSISTENCE_DSN="host=/nonexistent dbname=none"
passed=0
failed=0

expect_error() { # expect_error "what must appear" cdb-args...
  local want=$1
  shift
  local out status
  # A valid configuration would start the node: the timeout turns that into
  # a failure (status 124) instead of a hang.
  out=$(timeout 20 "$@" 2>&1 </dev/null)
  status=$?
  if [ "$status" -eq 2 ] && grep -qF -- "$want" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $* -> status $status, wanted '$want' in:"
    echo "$out" | head -n 5
  fi
}

expect_error "risk.max_position_pct = 150: must be in (0, 100]" \
  "$cdb" run --risk.max_position_pct=150
expect_error "risk.max_position_pct = 40: must be <= risk.max_exposure_pct" \
  "$cdb" run --risk.max_position_pct=40 --risk.max_exposure_pct=30
expect_error 'risk.max_spread_bps = "wide": expected a value of type' \
  "$cdb" run --risk.max_spread_bps=wide
expect_error "unknown key risk.bogus" "$cdb" run --risk.bogus=1
expect_error 'run.duration = "5": expected a value of type timespan' \
  "$cdb" run --run.duration=5
expect_error 'signal.strategies[0] "ema_cross * fast=30": slow = (default): must be > fast' \
  "$cdb" run '--signal.strategies=["ema_cross * fast=30"]'
expect_error 'signal.strategies[0] "trend BTCUSDT": unknown strategy trend (known: breakout, ema_cross, mean_reversion)' \
  "$cdb" run '--signal.strategies=["trend BTCUSDT"]'
expect_error 'signal.bars = 1 hour: must be a duration' \
  "$cdb" run '--signal.bars=1 hour'
expect_error "market.start_prices" "$cdb" run '--market.instruments=["A"]'
expect_error "supervisor.backoff_max = 1s: must be >= supervisor.backoff_initial" \
  "$cdb" run --supervisor.backoff_initial=10s --supervisor.backoff_max=1s
expect_error "run.status_interval = 0s: must be > 0" \
  "$cdb" run --run.status_interval=0s
expect_error "run.timer_slack = 2ms: must be between 0 and 1ms" \
  "$cdb" run --run.timer_slack=2ms
# A CPU no machine this runs on has (CPU_SETSIZE is 1024), a negative one,
# and a home CPU without a home worker.
expect_error "run.home_cpu = 1023: must be -1 (none) or one of the CPUs this process may run on: " \
  "$cdb" run --run.home_cpu=1023
expect_error "run.home_cpu = -2: must be -1 (none) or a CPU number" \
  "$cdb" backtest --run.home_cpu=-2
expect_error "run.home_cpu = 0: must be -1 with run.scheduler=stealing" \
  "$cdb" run --run.home_cpu=0 --run.scheduler=stealing
expect_error "run.chaos_kill_actor = bogus: must be empty or one of" \
  "$cdb" run --run.chaos_kill_actor=bogus
expect_error "node.roles = trader: must each be one of feed, signal, risk" \
  "$cdb" node '--node.roles=["trader"]' '--node.peers=["127.0.0.1:7101"]'
expect_error "node.roles = risk,circuit_breaker: a node without every role needs node.peers or node.listen_port" \
  "$cdb" node '--node.roles=["risk", "circuit_breaker"]'
expect_error "node.peers = localhost: must be host:port" \
  "$cdb" node '--node.peers=["localhost"]'
expect_error "node.connection_timeout = 500ms: must be at least twice node.heartbeat_interval" \
  "$cdb" node --node.listen_port=7101 --node.connection_timeout=500ms
expect_error "node.roles: a replay (feed.source = replay) runs on one node" \
  "$cdb" node --feed.source=replay '--feed.files=["/dev/null"]' \
  '--node.roles=["feed"]' --node.listen_port=7101
# 192.0.2.1 (TEST-NET-1) is no address of this machine: bind fails.
expect_error "node.listen_port: cannot listen on 192.0.2.1:7101" \
  "$cdb" node --node.listen_address=192.0.2.1 --node.listen_port=7101
expect_error "feed.files = []: must name at least one file" \
  "$cdb" run --feed.source=replay
expect_error "feed.files: /nonexistent.csv: cannot open (No such file or directory)" \
  "$cdb" run --feed.source=replay '--feed.files=["/nonexistent.csv"]'
expect_error "feed.source = live: must be synthetic, replay, binance or mexc" \
  "$cdb" run --feed.source=live
expect_error "feed.speed = 0: must be in (0, 1e6]" "$cdb" run --feed.speed=0
expect_error "feed.subscribe = BTC_USDT@kline_1m: must be SYMBOL@deal" \
  "$cdb" run --feed.source=mexc --feed.url=ws://x/edge \
  '--feed.subscribe=["BTC_USDT@kline_1m"]'
expect_error "feed.contract_sizes = ETH_USDT: must give the contract size" \
  "$cdb" run --feed.source=mexc --feed.url=ws://x/edge \
  '--feed.subscribe=["ETH_USDT@deal"]'
expect_error "feed.contract_sizes = BTC_USDT=abc: must be SYMBOL=SIZE" \
  "$cdb" run '--feed.contract_sizes=["BTC_USDT=abc"]'
expect_error "feed.rotate_after = 500ms: must be 0 (never) or >= 1s" \
  "$cdb" run --feed.rotate_after=500ms
expect_error "sim.contract_size = 0: must be > 0" \
  "$cdb" exchange-sim --sim.contract_size=0
expect_error "feed.url = http://x/y: must be ws:// or wss://host[:port]/path" \
  "$cdb" run --feed.source=binance --feed.url=http://x/y
expect_error "sim.tls_key = : must be given together with sim.tls_cert" \
  "$cdb" exchange-sim --sim.tls_cert=/tmp/x.pem
expect_error "sim.port = 70000: must be in [1, 65535]" \
  "$cdb" exchange-sim --sim.port=70000
expect_error "run.log_level = loud" "$cdb" run --run.log_level=loud
expect_error "risk.max_daily_drawdown_pct = 0" \
  env CDB_RISK_MAX_DAILY_DRAWDOWN_PCT=0 "$cdb" run
expect_error "persistence.dsn" env CDB_PERSISTENCE_DSN= "$cdb" run
printf '[risk]\nmax_spread_bps="wide"\n[nope]\nx=1\n' >"$tmp/bad.conf"
expect_error "$tmp/bad.conf: unknown key nope.x" "$cdb" run --config "$tmp/bad.conf"
expect_error 'risk.max_spread_bps = "wide"' "$cdb" run --config "$tmp/bad.conf"
printf '[risk\nx=1\n' >"$tmp/syntax.conf"
expect_error "syntax error" "$cdb" run --config "$tmp/syntax.conf"
expect_error "cannot open" "$cdb" run --config "$tmp/missing.conf"
expect_error "unknown mode 'bogus'" "$cdb" bogus
expect_error "expected --group.key=value" "$cdb" run stray

# Help is not an error and lists keys with defaults.
# (Captured first: grep -q would close the pipe early and, with pipefail,
# a slow writer's SIGPIPE would count as a failure.)
help=$("$cdb" run --help)
if grep -q -- "--risk.max_position_pct=<real64>  (default: 10" <<<"$help"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: cdb run --help does not list risk.max_position_pct with its default"
fi
echo "config_errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
