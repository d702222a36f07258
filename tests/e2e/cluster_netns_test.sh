#!/usr/bin/env bash
# The three-node cluster across network namespaces: each node in a namespace
# of its own with its own address (10.77.0.1 market, .2 risk, .3 execution),
# linked by veth pairs to a bridge in a fourth namespace; nothing touches the
# host's network. Then a partition, which loopback cannot show: the
# execution node's cable is pulled (its veth set down) while every process
# keeps running:
#  1. the risk node detects the silent link within the timeout and halts;
#     no order is approved while the partition lasts;
#  2. the cable back: the links return, trading resumes;
#  3. the record is consistent: every fill has its order, none overfilled.
# Needs root (ip netns); exits 77 (skipped) without it.
set -euo pipefail
cdb=${1:?usage: cluster_netns_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "$0")/../.." && pwd)
hub="cdb-hub-$$"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! ip netns add "$hub" 2>/dev/null; then
  echo "skipped: needs root and ip netns"
  exit 77
fi
# shellcheck source=tests/support/cluster.sh
. "$src/tests/support/cluster.sh"
tag="e2e-netns-$$-$RANDOM"
base=24000 # every node has its own address: no port is shared

namespaces=("$hub")
netns_cleanup() {
  cluster_cleanup # the nodes first: a process keeps its namespace alive
  local n
  for n in "${namespaces[@]}"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
}
trap netns_cleanup EXIT
# setup_net: the bridge, and each node's namespace, veth pair and address.
# Every step must work: the kernel may lack veth or bridges (then: skipped).
setup_net() {
  local i=0 n
  ip -n "$hub" link add br0 type bridge || return 1
  ip -n "$hub" link set br0 up || return 1
  for n in market risk execution; do
    i=$((i + 1))
    node_ns[$n]="cdb-$n-$$"
    node_addr[$n]="10.77.0.$i"
    ip netns add "${node_ns[$n]}" || return 1
    namespaces+=("${node_ns[$n]}")
    # The pair is made in the hub; one end moves into the node's namespace.
    ip -n "$hub" link add "v-$n" type veth peer name eth0 netns "${node_ns[$n]}" || return 1
    ip -n "$hub" link set "v-$n" master br0 up || return 1
    ip -n "${node_ns[$n]}" addr add "${node_addr[$n]}/24" dev eth0 || return 1
    ip -n "${node_ns[$n]}" link set eth0 up || return 1
    # metrics and admin stay on the namespace's loopback
    ip -n "${node_ns[$n]}" link set lo up || return 1
  done
}
if ! setup_net; then
  echo "skipped: this kernel cannot build the bridge and veth pairs"
  exit 77
fi

opts=(--circuit_breaker.unreachable_cooldown=1s)

# -- three nodes on three addresses trade -----------------------------------------
start_trio "${opts[@]}"
for n in market risk execution; do
  grep "listens for peer nodes on ${node_addr[$n]}:" "$tmp/$n.err" >/dev/null ||
    bad "$n does not listen on ${node_addr[$n]}"
done
if grep "linked to peer ${node_addr[execution]}:$((base + 2))" "$tmp/risk.err" >/dev/null &&
  [ "$(metric market cdb_role_reachable)" = 6 ]; then
  ok "links run between the addresses; market reaches all six roles"
else
  bad "no link between the addresses: $(grep cluster "$tmp/risk.err" | tail -n 3)"
fi

# -- 1. pull the execution node's cable -------------------------------------------
# Times count from when `ip link` returns (it can take seconds on a busy VM;
# the link is down, or up, by then).
ip -n "$hub" link set "v-execution" down
t0=$(now_ms)
expect_mode 2 15 "$t0" "the execution node's link went down"
# The breaker sees the execution actor go before the link's loss is logged.
wait_log "$tmp/risk.err" "lost peer ${node_addr[execution]}:$((base + 2))" 5 &&
  ok "the risk node logged the lost link" || bad "no lost-link log at the risk node"
expect_no_approvals "during the partition"
if kill -0 "${pids[execution]}" 2>/dev/null; then
  ok "the execution node kept running behind the partition"
else
  bad "the execution node died"
fi

# -- 2. the cable back ----------------------------------------------------------------
ip -n "$hub" link set "v-execution" up
t1=$(now_ms)
expect_mode 0 40 "$t1" "the link came back"
expect_more_fills 40 "after the partition healed"

# -- 3. stop and check the record ----------------------------------------------------
stop_nodes market risk execution
check_record
finish "cluster across network namespaces passed"
