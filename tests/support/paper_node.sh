# shellcheck shell=bash disable=SC2154 # cdb, src, tmp: set by the sourcing test
# Sourced by tests that need a trading paper node: start_paper_node starts
# `$cdb run` on the synthetic market, fast (2 ms steps, 40 ms bars, an EMA
# cross that trades within seconds), logging to $tmp/out and $tmp/err, with
# any extra options given; sets pid, metrics_url (http://…/metrics) and
# admin_url (http://host:port), waiting up to 20 s for the node to log both.
start_paper_node() {
  "$cdb" run --config "$src/config/paper.conf" --feed.max_ticks=100000000 \
    --market.step=2ms --signal.bars=40ms \
    '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
    --circuit_breaker.losing_streak_action=off "$@" >"$tmp/out" 2>"$tmp/err" &
  # shellcheck disable=SC2034 # read by the sourcing test
  pid=$!
  metrics_url=
  admin_url=
  for _ in $(seq 1 100); do
    metrics_url=$(sed -n 's/.*metrics on \(http:[^ ]*\).*/\1/p' "$tmp/err" | head -n 1)
    admin_url=$(sed -n 's/.*admin API on \(http:[^ ]*\).*/\1/p' "$tmp/err" | head -n 1)
    [ -n "$metrics_url" ] && [ -n "$admin_url" ] && return 0
    sleep 0.2
  done
  echo "FAIL the node did not log its metrics and admin endpoints"
  tail -n 20 "$tmp/err"
  return 1
}
