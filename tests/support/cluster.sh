# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # cdb, src, tag, base come from the
# test; admin is read by it
# Sourced by the multi-node tests: start_cluster_node runs one `cdb node`
# of a three-node cluster on loopback (roles and peers from the arguments),
# trading the synthetic market fast (2 ms steps, 40 ms bars, an EMA cross),
# with the breaker's rules that such a market trips by chance off (losing
# streak, rejection burst, daily loss, drawdown: a burst of position-limit
# rejections once held a node REDUCING through a 5 min cooldown, and a
# HALTED state must come from the link under test) and risk's daily
# drawdown layer at 100 % (its fees alone took a run slowed by a loaded
# machine past 5 %, and risk then rejected every order the test waited
# for),
# logging to $tmp/NAME.out and $tmp/NAME.err; sets pids[NAME],
# metrics[NAME] (its /metrics URL, once it logs it, up to 20 s) and
# admin[NAME] (its admin API base URL).
# Needs: $cdb, $src; then $tag (unique per run) and $base (first of three
# listen ports: market base, risk base+1, execution base+2, pick_base_port).
# Also gives the test $tmp (removed at exit with every node killed; copied
# to $CDB_KEEP_LOGS first when set), ok/bad (counting into $failed; each
# line says how many seconds into the test it was written) and finish
# MESSAGE (exit 1 when a check failed).
declare -A pids metrics
declare -A admin
# Optional, set by a test before it starts nodes: node_ns[NAME] runs the node
# inside that network namespace (`ip netns exec`; metrics are read there
# too), node_addr[NAME] is its address (listen and dial; default 127.0.0.1).
declare -A node_ns node_addr
tmp=$(mktemp -d)
failed=0
now_ms() { date +%s%3N; }
test_start_ms=$(now_ms)
elapsed() { # seconds since the test started, to a tenth
  local ms=$(($(now_ms) - test_start_ms))
  echo "$((ms / 1000)).$((ms % 1000 / 100))s"
}
ok() { echo "ok   [$(elapsed)] $1"; }
bad() { echo "FAIL [$(elapsed)] $1"; failed=$((failed + 1)); }
cluster_cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill -CONT "$p" 2>/dev/null || true
    kill -9 "$p" 2>/dev/null || true
  done
  [ -n "${CDB_KEEP_LOGS:-}" ] && cp -r "$tmp" "$CDB_KEEP_LOGS"
  rm -rf "$tmp"
}
trap cluster_cleanup EXIT
finish() {
  [ "$failed" = 0 ] || { echo "$failed check(s) failed"; exit 1; }
  echo "$1"
}
cluster_port() { # cluster_port NAME
  case $1 in
    market) echo "$base" ;;
    risk) echo $((base + 1)) ;;
    execution) echo $((base + 2)) ;;
  esac
}
cluster_addr() { # cluster_addr NAME: where the node listens
  echo "${node_addr[$1]:-127.0.0.1}"
}
in_node_ns() { # in_node_ns NAME COMMAND...: runs COMMAND in NAME's namespace
  local name=$1
  shift
  if [ -n "${node_ns[$name]:-}" ]; then
    ip netns exec "${node_ns[$name]}" "$@"
  else
    "$@"
  fi
}
cluster_peers() { # cluster_peers NAME: the nodes it dials, as a config list
  # Each pair once: market dials risk and execution, risk dials execution.
  local r e
  r="\"$(cluster_addr risk):$((base + 1))\""
  e="\"$(cluster_addr execution):$((base + 2))\""
  case $1 in
    market) echo "[$r, $e]" ;;
    risk) echo "[$e]" ;;
    execution) echo "[]" ;;
  esac
}
cluster_roles() {
  case $1 in
    market) echo '["feed", "signal"]' ;;
    risk) echo '["risk", "circuit_breaker"]' ;;
    execution) echo '["execution", "persistence"]' ;;
  esac
}
start_cluster_node() { # start_cluster_node NAME [OPTION...]
  local name=$1
  shift
  touch "$tmp/$name.out" "$tmp/$name.err"
  # A command, not a function, in the background: $! must be the node's pid
  # (ip netns exec execs the command in place).
  local in_ns=()
  [ -n "${node_ns[$name]:-}" ] && in_ns=(ip netns exec "${node_ns[$name]}")
  "${in_ns[@]}" "$cdb" node --config "$src/config/paper.conf" \
    --run.node_name="$tag-$name" --node.roles="$(cluster_roles "$name")" \
    --node.listen_address="$(cluster_addr "$name")" \
    --node.listen_port="$(cluster_port "$name")" \
    --node.peers="$(cluster_peers "$name")" \
    --admin.port=0 --metrics.port=0 --feed.max_ticks=100000000 \
    --persistence.spool_dir="$tmp/spool" \
    --market.step=2ms --signal.bars=40ms \
    '--signal.strategies=["ema_cross * fast=3 slow=8 atr=5 cooldown=1"]' \
    --circuit_breaker.losing_streak_action=off \
    --circuit_breaker.rejection_burst_action=off \
    --circuit_breaker.daily_loss_action=off \
    --circuit_breaker.drawdown_action=off \
    --risk.max_daily_drawdown_pct=100 "$@" \
    >>"$tmp/$name.out" 2>>"$tmp/$name.err" &
  pids[$name]=$!
  local url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/.*metrics on \(http:[^ ]*\).*/\1/p' "$tmp/$name.err" | tail -n 1)
    if [ -n "$url" ] && [ "$url" != "${metrics[$name]:-}" ]; then
      metrics[$name]=$url
      admin[$name]=$(sed -n 's/.*admin API on \(http:[^ ]*\).*/\1/p' "$tmp/$name.err" | tail -n 1)
      return 0
    fi
    sleep 0.2
  done
  echo "FAIL node $name did not log its metrics endpoint"
  tail -n 20 "$tmp/$name.err"
  return 1
}
# scrape NAME: the node's /metrics page; status non-zero when it did not
# answer within 5 s.
scrape() {
  in_node_ns "$1" curl -s -m 5 "${metrics[$1]}" 2>/dev/null
}
# family_sum FAMILY [LABEL-FILTER]: the sum of the family's samples in the
# page on stdin (0 when none).
family_sum() {
  awk -v f="$1" -v l="${2:-}" '$1 ~ "^"f"({|$)" && (l == "" || index($1, l)) { s += $NF }
                               END { printf "%d\n", s }'
}
# metric NAME FAMILY [LABEL-FILTER]: the sum of the family's samples.
metric() {
  scrape "$1" | family_sum "$2" "${3:-}"
}
# wait_metric NODE FAMILY OP VALUE SECONDS [FILTER]: polls every 0.1 s until
# the family's sum compares true (-ge, -eq, ...); returns 1 once SECONDS
# have passed on the clock (not a count of polls: a poll into a namespace
# of a loaded machine can take a second). A poll is `curl -m 5`: a poll
# and its pause that took longer than 8 s mean this shell was not running
# (a frozen or overloaded machine) for all but the 5.2 s they may take,
# and that time does not count against the node: the deadline moves by
# it (time already gone, so the polls still have SECONDS in all).
# What the polls saw is left in poll_words, for a failure message.
wait_metric() {
  local start last now gap page v stalled=0 polls=0 unanswered=0 longest=0
  start=$(now_ms)
  last=$start
  while :; do
    page=$(scrape "$1") || unanswered=$((unanswered + 1))
    v=$(printf '%s\n' "$page" | family_sum "$2" "${6:-}")
    polls=$((polls + 1))
    now=$(now_ms)
    gap=$((now - last))
    last=$now
    [ "$gap" -le "$longest" ] || longest=$gap
    [ "$gap" -le 8000 ] || stalled=$((stalled + gap - 5200))
    poll_words="$polls polls in $((now - start)) ms, $unanswered unanswered, the longest $longest ms (with its pause), $stalled ms of it not counted (this shell stalled), the last read $v"
    # The operator ($3) comes from the caller: test, not [ ].
    test "$v" "$3" "$4" && return 0
    [ "$now" -lt $((start + $5 * 1000 + stalled)) ] || return 1
    sleep 0.1
  done
}
# wait_log FILE PATTERN SECONDS: polls until grep finds PATTERN in FILE.
wait_log() {
  local end=$(($(now_ms) + $3 * 1000))
  until grep -- "$2" "$1" >/dev/null; do
    [ "$(now_ms)" -lt "$end" ] || return 1
    sleep 0.1
  done
}
# A free base port for three listeners (nothing answers on any of them).
pick_base_port() {
  local b p busy
  for _ in $(seq 1 50); do
    b=$((20000 + RANDOM % 20000))
    busy=0
    for p in $b $((b + 1)) $((b + 2)); do
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && busy=1
    done
    [ $busy = 0 ] && { echo $b; return 0; }
  done
  return 1
}
# log_ms FILE PATTERN: when the last line of a node's log matching PATTERN
# was written (ms since the epoch); empty, and status 0, when none (the
# tests run with `set -e`).
log_ms() {
  local ts
  ts=$(grep -- "$2" "$1" | tail -n 1 | cut -d ' ' -f 1 || true)
  [ -z "$ts" ] || date -d "$ts" +%s%3N 2>/dev/null || true
}
# rule_trips: the risk node's breaker trips by rule, e.g. "unreachable=2".
rule_trips() {
  scrape risk |
    sed -n 's/^cdb_breaker_rule_trips_total{.*rule="\([a-z_]*\)".*} \([1-9][0-9]*\)$/\1=\2/p' |
    tr '\n' ' ' | sed 's/ $//'
}
# expect_mode STATE SECONDS SINCE_MS WHAT: the risk node's breaker reaches
# STATE (0 ACTIVE, 2 HALTED) within SECONDS of WHAT, by the breaker's own
# log time (by the test's poll when the breaker logged no change). The
# polls get 45 s more: on a loaded machine a `curl` into a namespace lags
# the node by seconds (HALTED seen 12.4 s after the cable was pulled, the
# breaker's line at 2.1 s).
expect_mode() {
  local name=ACTIVE
  [ "$1" = 2 ] && name=HALTED
  if wait_metric risk cdb_trading_state -eq "$1" $(($2 + 45)); then
    local seen=$(($(now_ms) - $3)) logged took what
    logged=$(breaker_ms "$name" "$3")
    took=${logged:-$seen}
    what="$name $seen ms after $4 ($(breaker_words "$logged"); trips so far: $(rule_trips))"
    if [ "$took" -le $(($2 * 1000)) ]; then
      ok "$what"
    else
      bad "$what: later than $2 s"
    fi
  else
    # Whether the node was late, or the test's polls (a poll that fails
    # reads 0).
    bad "not $name within $(($2 + 45)) s of $4 ($(breaker_words "$(breaker_ms "$name" "$3")"); the test's $poll_words; the risk node's cdb_trading_state reads $(metric risk cdb_trading_state) now)"
    grep -h "circuit_breaker\|cluster\]" "$tmp/risk.err" | tail -n 8
    tail -n 20 "$tmp/risk.err" "$tmp/execution.err"
  fi
}
# breaker_ms STATE SINCE_MS: ms from SINCE_MS to the risk node's breaker's
# last log line of STATE; empty when it logged none since.
breaker_ms() {
  local logged
  logged=$(log_ms "$tmp/risk.err" "trading $1")
  if [ -n "$logged" ] && [ "$logged" -ge "$2" ]; then
    echo $((logged - $2))
  fi
}
# breaker_words MS: breaker_ms's answer in words.
breaker_words() {
  if [ -n "$1" ]; then
    echo "the breaker logged it at $1 ms"
  else
    echo "no new log line of the breaker"
  fi
}
# stop_nodes NAME...: SIGTERM to each, then each must exit 0; a failed
# node's log end is shown (a sanitizer build aborts on its first report).
stop_nodes() {
  local n
  for n in "$@"; do kill -TERM "${pids[$n]}"; done
  for n in "$@"; do
    if wait "${pids[$n]}"; then
      ok "$n stopped cleanly"
    else
      bad "$n exit status $?"
      tail -n 60 "$tmp/$n.err"
    fi
  done
}
q() { psql "$CDB_TEST_DSN" -v ON_ERROR_STOP=1 -tAc "$1"; }
# check_record: after stop_nodes, the risk node's run (from its summary) is
# in the database and consistent: every fill has its order, no order is
# filled beyond its quantity, every order has its risk decision.
check_record() {
  local runs risk_run orders orphans over decisions
  runs=$(sed -n 's/^summary of run \([0-9a-f]*\).*/\1/p' "$tmp/risk.out" | tr '\n' ' ')
  risk_run=${runs%% *}
  orders=$(q "SELECT count(*) FROM orders WHERE id LIKE 'ord-$risk_run-%'")
  if [ -n "$risk_run" ] && [ "$orders" -gt 0 ]; then
    ok "$orders orders of the risk node are in the database"
  else
    bad "no order of the risk node (run '$risk_run') in the database"
  fi
  orphans=$(q "SELECT count(*) FROM fills f LEFT JOIN orders o ON o.id = f.order_id
               WHERE f.order_id LIKE 'ord-$risk_run-%' AND o.id IS NULL")
  [ "$orphans" = 0 ] && ok "every fill has its order" || bad "$orphans fills without their order"
  over=$(q "SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(qty) AS q FROM fills
                                             GROUP BY order_id) f ON f.order_id = o.id
            WHERE o.id LIKE 'ord-$risk_run-%' AND f.q > o.qty * (1 + 1e-9)")
  [ "$over" = 0 ] && ok "no order filled beyond its quantity (no duplicate fill)" ||
    bad "$over orders filled beyond their quantity"
  decisions=$(q "SELECT count(*) FROM orders o LEFT JOIN risk_decisions d ON d.id = o.decision_id
                 WHERE o.id LIKE 'ord-$risk_run-%' AND d.id IS NULL")
  [ "$decisions" = 0 ] && ok "every order has its risk decision" ||
    bad "$decisions orders without a decision"
}
# start_trio OPTION...: starts the execution, risk and market nodes (each
# with OPTIONs) and waits up to 40 s for the third fill at the execution
# node; ends the test when none comes.
start_trio() {
  start_cluster_node execution "$@"
  start_cluster_node risk "$@"
  start_cluster_node market "$@"
  if wait_metric execution cdb_fills_total -ge 3 40; then
    ok "three nodes trade: $(metric execution cdb_fills_total) fills at the execution node"
  else
    bad "no fills within 40 s"
    tail -n 15 "$tmp"/*.err
    exit 1
  fi
}
approved() { metric risk cdb_risk_decisions_total 'outcome="approved"'; }
# expect_no_approvals WHEN: the risk node approves no order for 3 s.
expect_no_approvals() {
  local a1 a2
  a1=$(approved)
  sleep 3
  a2=$(approved)
  if [ "$a1" = "$a2" ]; then
    ok "no order approved $1 ($a1 before and after 3 s)"
  else
    bad "risk approved orders $1 ($a1 -> $a2)"
  fi
}
# expect_more_fills SECONDS WHEN: a new fill at the execution node within
# SECONDS.
expect_more_fills() {
  local f0
  f0=$(metric execution cdb_fills_total)
  if wait_metric execution cdb_fills_total -gt "$f0" "$1"; then
    ok "fills continue $2: $f0 -> $(metric execution cdb_fills_total)"
  else
    bad "no new fill within $1 s $2: approved $(approved), received $(metric execution cdb_orders_received_total), refused $(metric execution cdb_orders_refused_total) at execution"
    tail -n 25 "$tmp/risk.err" "$tmp/execution.err" "$tmp/market.err"
    # What the breaker held and what each node saw of its links.
    echo "--- circuit breaker:"
    grep circuit_breaker "$tmp/risk.err" | tail -n 15 || true
    echo "--- cluster:"
    grep '\[cluster\]' "$tmp/risk.err" "$tmp/execution.err" \
      "$tmp/market.err" | tail -n 20 || true
  fi
}
