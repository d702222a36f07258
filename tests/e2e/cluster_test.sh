#!/usr/bin/env bash
# Three node processes on loopback (market: feed + signal | risk: risk +
# circuit breaker | execution: execution + persistence) trade the synthetic
# market. Then:
#  1. kill -9 the execution node: the risk node's breaker goes HALTED (the
#     time is printed), risk approves no order while execution is gone;
#  2. start it again with the same name: the others reconnect, it recovers
#     its account from PostgreSQL, trading resumes (unreachable cooldown 1 s);
#  3. SIGSTOP the execution node beyond the link timeout (2 s): the risk
#     node detects it and halts; SIGCONT: links return, trading resumes;
#  4. the record is consistent: every fill has its order, no order is
#     overfilled, fill and order ids are unique, each node's orders reached
#     the database.
set -euo pipefail
cdb=${1:?usage: cluster_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/support/cluster.sh
. "$src/tests/support/cluster.sh"
tag="e2e-cluster-$$-$RANDOM"
base=$(pick_base_port)
opts=(--circuit_breaker.unreachable_cooldown=1s)

# -- three nodes trade ---------------------------------------------------------
start_trio "${opts[@]}"
# market dials risk and execution, risk dials execution; each link carries
# both directions, so every node reaches all six roles.
for n in market:2 risk:1 execution:0; do
  if [ "$(metric "${n%:*}" cdb_peer_up)" = "${n#*:}" ] &&
    [ "$(metric "${n%:*}" cdb_role_reachable)" = 6 ]; then
    ok "${n%:*} has its ${n#*:} dialed link(s) up and reaches all six roles"
  else
    bad "${n%:*}: cdb_peer_up $(metric "${n%:*}" cdb_peer_up) (want ${n#*:}), roles reachable $(metric "${n%:*}" cdb_role_reachable) (want 6)"
  fi
done
code=$(curl -s -o "$tmp/ready" -w '%{http_code}' "${admin[risk]}/ready" || true)
if [ "$code" = 200 ]; then
  ok "the risk node is ready (200)"
else
  bad "the risk node's /ready said $code: $(cat "$tmp/ready")"
fi
if [ "$(metric risk cdb_trading_state)" = 0 ]; then
  ok "the risk node's breaker is ACTIVE"
else
  bad "trading state at the risk node is $(metric risk cdb_trading_state)"
fi

# -- a process that is no node of ours reaches the ports ------------------------
rogue="$(dirname "$cdb")/tests/cdb_rogue_peer"
"$rogue" 127.0.0.1 "$(cluster_port execution)" >"$tmp/rogue-exec.out" 2>&1 ||
  bad "the rogue peer could not reach the execution node: $(cat "$tmp/rogue-exec.out")"
"$rogue" 127.0.0.1 "$(cluster_port risk)" >"$tmp/rogue-risk.out" 2>&1 ||
  bad "the rogue peer could not reach the risk node: $(cat "$tmp/rogue-risk.out")"
if wait_metric execution cdb_orders_refused_total -ge 1 10; then
  ok "execution refused the order of a process that is not its risk actor"
else
  bad "execution did not count the rogue order as refused"
fi
if grep "resume refused" "$tmp/rogue-risk.out" >/dev/null &&
  grep "flatten refused" "$tmp/rogue-risk.out" >/dev/null &&
  wait_metric risk cdb_commands_refused_total -ge 3 10; then
  ok "the breaker refused a remote resume and flatten, risk a forged state ($(metric risk cdb_commands_refused_total) refused)"
else
  bad "remote commands were not all refused: $(tr '\n' ' ' <"$tmp/rogue-risk.out"), refused $(metric risk cdb_commands_refused_total)"
fi

# -- 1. kill -9 the execution node ----------------------------------------------
t0=$(now_ms)
kill -9 "${pids[execution]}"
wait "${pids[execution]}" 2>/dev/null || true
expect_mode 2 10 "$t0" "kill -9 of the execution node"
wait_log "$tmp/risk.err" "lost peer 127.0.0.1:$(cluster_port execution)" 5 &&
  ok "the risk node logged the lost link" || bad "no lost-link log at the risk node"
expect_no_approvals "while execution was gone"
a2=$(approved)
code=$(curl -s -o "$tmp/ready" -w '%{http_code}' "${admin[risk]}/ready" || true)
if [ "$code" = 503 ] && grep "is not connected" "$tmp/ready" >/dev/null &&
  grep "runs execution" "$tmp/ready" >/dev/null; then
  ok "the risk node is not ready (503) and says why: $(cat "$tmp/ready")"
else
  bad "the risk node's /ready said $code: $(cat "$tmp/ready")"
fi
if [ "$(metric risk cdb_role_reachable 'role="execution"')" = 0 ]; then
  ok "the risk node reports execution unreachable"
else
  bad "cdb_role_reachable{role=execution} is not 0 at the risk node"
fi

# -- 2. restart it ----------------------------------------------------------------
t1=$(now_ms)
start_cluster_node execution "${opts[@]}"
expect_mode 0 30 "$t1" "the execution node restarted"
# ACTIVE is the breaker's word once the link is back; the account recovery
# (a PostgreSQL read) may finish later, and risk decides only after it.
recovered=no
for _ in $(seq 1 150); do
  grep "recovered account: equity" "$tmp/execution.err" >/dev/null && { recovered=yes; break; }
  sleep 0.2
done
if [ "$recovered" = yes ]; then
  ok "the restarted execution node recovered its account"
else
  bad "no account recovery logged by the restarted execution node"
fi
f0=$(metric execution cdb_fills_total)
if wait_metric execution cdb_fills_total -gt "$f0" 30 && wait_metric risk cdb_risk_decisions_total -gt "$a2" 1 'outcome="approved"'; then
  ok "orders flow again: fills $(metric execution cdb_fills_total), approved $(approved)"
else
  bad "no new fills after the restart"
fi

# -- 3. freeze it beyond the link timeout --------------------------------------
kill -STOP "${pids[execution]}"
t2=$(now_ms)
expect_mode 2 15 "$t2" "SIGSTOP of the execution node"
sleep 1
kill -CONT "${pids[execution]}"
t3=$(now_ms)
expect_mode 0 30 "$t3" "SIGCONT"
expect_more_fills 30 "after the freeze"

# -- stop and check the record ---------------------------------------------------
stop_nodes market risk execution
check_record
finish "cluster e2e passed"
