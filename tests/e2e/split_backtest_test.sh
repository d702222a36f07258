#!/usr/bin/env bash
# A backtest split over node processes on loopback gives the report of the
# same backtest on one node, byte for byte (without its timing member):
#  1. the synthetic market over three nodes (feed + signal | risk + breaker |
#     execution + persistence) and over two (feed + signal | the rest);
#  2. a window of the shipped trades and quotes over three nodes;
#  3. kill -9 of one node mid-run: the others stop with status 3 and say
#     why, well before their one-minute answer timeout;
#  4. a node started on another market start (--from) is refused by name;
#  5. a node started seconds after the others dial it (longer than a
#     dial's timeout) still joins, and the report is the same;
#  6. a node that never comes: the others stop with status 3 after
#     node.link_timeout and name the roles they waited for.
set -euo pipefail
cdb=${1:?usage: split_backtest_test.sh CDB_BINARY}
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/support/cluster.sh
. "$src/tests/support/cluster.sh"
tag="e2e-split-$$-$RANDOM"
base=$(pick_base_port)
data=$(cd "$src/.." && pwd)/shared/data
trades=$data/binance-futures-btcusdt-trades-2020-02-22.csv
quotes=$data/binance-futures-btcusdt-quotes-2020-02-22.csv
untimed() { jq 'del(.timing)' "$1"; }
conf=(--config "$src/config/paper.conf" --no-progress)

# split_node NAME ROLES PEERS ARG...: one node of a split backtest, in the
# background (pids[NAME]); logs in $tmp/NAME.out and .err, emptied here
# first: the background shell opens them later, and a wait_log must not
# read the last section's log.
split_node() {
  local name=$1 roles=$2 peers=$3
  shift 3
  : >"$tmp/$name.out"
  : >"$tmp/$name.err"
  "$cdb" backtest "${conf[@]}" --run.node_name="$tag-$name" \
    --run.log_level=info --node.roles="$roles" \
    --node.listen_port="$(cluster_port "$name")" --node.peers="$peers" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids[$name]=$!
}
# split3 ARG...: the three nodes, the report of the execution node (it hosts
# persistence) in $tmp/split3.json; fails the test if a node fails.
split3() {
  local n
  split_node execution "$(cluster_roles execution)" "$(cluster_peers execution)" \
    --json "$tmp/split3.json" "$@"
  split_node risk "$(cluster_roles risk)" "$(cluster_peers risk)" "$@"
  split_node market "$(cluster_roles market)" "$(cluster_peers market)" "$@"
  for n in market risk execution; do
    wait "${pids[$n]}" || { bad "node $n exit status $?"; tail -n 20 "$tmp/$n.err"; }
  done
}
# wait_status NAME: waits for node NAME; its exit status in $status.
wait_status() {
  set +e
  wait "${pids[$1]}"
  status=$?
  set -e
}
# same ONE SPLIT WHAT: the two reports are equal without their timing.
same() {
  if cmp -s <(untimed "$1") <(untimed "$2"); then
    ok "$3: the same report as on one node ($(jq .fills "$1") fills, $(jq .signals "$1") signals, final equity $(jq .final_equity "$1"))"
  else
    bad "$3 differs from one node: $(diff <(untimed "$1") <(untimed "$2") | head -n 8)"
  fi
}

# -- 1. synthetic market ---------------------------------------------------------
syn=(--run.duration=3min)
"$cdb" backtest "${conf[@]}" "${syn[@]}" --json "$tmp/one.json" >"$tmp/one.out" 2>"$tmp/one.err"
[ "$(jq .fills "$tmp/one.json")" -gt 0 ] && ok "the single-node backtest traded" ||
  bad "no fills on one node: the comparison would prove little"
t0=$(now_ms)
split3 "${syn[@]}"
same "$tmp/one.json" "$tmp/split3.json" "three nodes, synthetic market ($(($(now_ms) - t0)) ms)"
grep -q "^  Sharpe / Sortino / Calmar" "$tmp/execution.out" &&
  ok "the node hosting persistence prints the report table" || bad "no report table at the execution node"

base=$(pick_base_port)
trading='["risk", "circuit_breaker", "execution", "persistence"]'
split_node risk "$trading" "[]" "${syn[@]}" --json "$tmp/split2.json"
split_node market "$(cluster_roles market)" "[\"127.0.0.1:$((base + 1))\"]" "${syn[@]}"
for n in market risk; do
  wait "${pids[$n]}" || { bad "node $n exit status $?"; tail -n 20 "$tmp/$n.err"; }
done
same "$tmp/one.json" "$tmp/split2.json" "two nodes, synthetic market"

# -- 2. recorded data --------------------------------------------------------------
rec=(--data "$trades" "$quotes" --signal.bars=15s --from 2020-02-22T00:00:00Z
  --to 2020-02-22T00:20:00Z)
"$cdb" backtest "${conf[@]}" "${rec[@]}" --json "$tmp/one-rec.json" >"$tmp/one.out" 2>"$tmp/one.err"
base=$(pick_base_port)
split3 "${rec[@]}"
same "$tmp/one-rec.json" "$tmp/split3.json" "three nodes, 20 minutes of the recorded trades and quotes"

# -- 3. a node lost mid-run ----------------------------------------------------------
base=$(pick_base_port)
split_node execution "$(cluster_roles execution)" "$(cluster_peers execution)" --run.duration=24h
split_node risk "$(cluster_roles risk)" "$(cluster_peers risk)" --run.duration=24h
split_node market "$(cluster_roles market)" "$(cluster_peers market)" --run.duration=24h
wait_log "$tmp/market.err" "settled after" 30 || bad "the three nodes did not start the run"
kill -9 "${pids[risk]}"
t0=$(now_ms)
for n in market execution; do
  wait_status "$n"
  if [ "$status" = 3 ] && grep -q "a node of the backtest is gone" "$tmp/$n.err"; then
    ok "kill -9 of the risk node: $n stopped with status 3 and said why"
  else
    bad "$n: exit status $status after the risk node died: $(grep ERROR "$tmp/$n.err" | head -n 2)"
  fi
done
elapsed=$(($(now_ms) - t0))
[ "$elapsed" -lt 30000 ] && ok "both noticed within $elapsed ms" ||
  bad "the others took $elapsed ms to notice the lost node"

# -- 4. nodes that disagree on the market ------------------------------------------
base=$(pick_base_port)
split_node execution "$(cluster_roles execution)" "$(cluster_peers execution)" --from 2026-01-02
split_node risk "$(cluster_roles risk)" "$(cluster_peers risk)"
split_node market "$(cluster_roles market)" "$(cluster_peers market)"
wait_status market
if [ "$status" = 3 ] && grep -q "starts the market at 2026-01-02" "$tmp/market.err"; then
  ok "a node on another market start is refused: $(grep -o 'node [^ ]* starts the market at [^,]*' "$tmp/market.err" | head -n 1)"
else
  bad "market exit status $status with a node on another start: $(grep ERROR "$tmp/market.err" | head -n 2)"
fi
for n in risk execution; do wait "${pids[$n]}" 2>/dev/null || true; done

# -- 5. a node that comes late -------------------------------------------------------
# The execution node, which the two others dial (no other way leads there),
# starts 7 s late: beyond node.reconnect_max (5 s) and twice
# node.connection_timeout (a dial's timeout), while their market clocks
# stand still. Timers counted from the standing market clock were all due
# by then, and each dial timed out the moment it began.
base=$(pick_base_port)
split_node risk "$(cluster_roles risk)" "$(cluster_peers risk)" "${syn[@]}"
split_node market "$(cluster_roles market)" "$(cluster_peers market)" "${syn[@]}"
sleep 7
split_node execution "$(cluster_roles execution)" "$(cluster_peers execution)" \
  "${syn[@]}" --json "$tmp/late.json"
for n in market risk execution; do
  wait "${pids[$n]}" || { bad "node $n exit status $?"; tail -n 20 "$tmp/$n.err"; }
done
[ -s "$tmp/late.json" ] && same "$tmp/one.json" "$tmp/late.json" "execution node started 7 s late" ||
  bad "no report with the execution node started 7 s late"

# -- 6. a node that never comes ------------------------------------------------------
base=$(pick_base_port)
split_node execution "$(cluster_roles execution)" "$(cluster_peers execution)" \
  --node.link_timeout=3s
split_node market "$(cluster_roles market)" "$(cluster_peers market)" \
  --node.link_timeout=3s
for n in market execution; do
  wait_status "$n"
  why=$(grep -o "the nodes did not link within 3 s.*" "$tmp/$n.err" | head -n 1)
  # Risk's roles are named; so are the other node's when it gave up first
  # (the two time out about together, each from its own start).
  if [ "$status" = 3 ] && [[ $why == *"risk, circuit_breaker"* ]]; then
    ok "no risk node: $n stopped with status 3: $why"
  else
    bad "$n: exit status $status without a risk node: $(grep ERROR "$tmp/$n.err" | head -n 2)"
  fi
done

finish "split backtest e2e passed"
