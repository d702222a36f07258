#!/usr/bin/env bash
# Node links over mutual TLS. Throwaway certificates (openssl CLI): a cluster
# CA signs one certificate per node; an intruder has a certificate of its own
# CA. Two nodes (market: feed + signal | trading: risk, breaker, execution,
# persistence) link over TLS and trade. Then:
#  - a node whose certificate the cluster CA did not sign cannot link;
#  - a plain (non-TLS) peer cannot reach the TLS port;
#  - a node without any key material is refused by config (exit 2).
set -euo pipefail
cdb=${1:?usage: cluster_tls_test.sh CDB_BINARY}
: "${CDB_TEST_DSN:?CDB_TEST_DSN must name the test database (make test sets it)}"
export CDB_PERSISTENCE_DSN=$CDB_TEST_DSN
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/support/cluster.sh
. "$src/tests/support/cluster.sh"
tag="e2e-tls-$$-$RANDOM"
base=$(pick_base_port)

# -- certificates ---------------------------------------------------------------
cd "$tmp"
make_ca() { # make_ca NAME
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1-ca.key" -out "$1-ca.pem" \
    -days 1 -subj "/CN=$1 test CA" 2>/dev/null
}
make_cert() { # make_cert CA NAME
  openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" \
    -subj "/CN=$2" 2>/dev/null
  openssl x509 -req -in "$2.csr" -CA "$1-ca.pem" -CAkey "$1-ca.key" \
    -CAcreateserial -out "$2.pem" -days 1 2>/dev/null
}
make_ca cluster
make_ca intruder
make_cert cluster market
make_cert cluster trading
make_cert intruder intruder
cd - >/dev/null
tls() { # tls CA NAME: the node options for mutual TLS
  echo "--node.tls_ca=$tmp/$1-ca.pem --node.tls_cert=$tmp/$2.pem --node.tls_key=$tmp/$2.key"
}

# Two nodes: the trading node on the risk port, hosting everything but the
# market, listens; the market node dials it.
trading_roles='["risk", "circuit_breaker", "execution", "persistence"]'
# shellcheck disable=SC2046
start_cluster_node risk --run.node_name="$tag-trading" \
  --node.roles="$trading_roles" --node.peers='[]' \
  $(tls cluster trading)
# shellcheck disable=SC2046
start_cluster_node market --node.peers="[\"127.0.0.1:$((base + 1))\"]" \
  $(tls cluster market)
if wait_metric risk cdb_fills_total -ge 3 40; then
  ok "two nodes linked over mutual TLS trade ($(metric risk cdb_fills_total) fills)"
else
  bad "no fills over TLS within 40 s"
  tail -n 20 "$tmp/risk.err" "$tmp/market.err"
fi
grep "listens for peer nodes on 127.0.0.1:$((base + 1)) (mutual TLS)" "$tmp/risk.err" >/dev/null &&
  ok "the trading node says it listens with mutual TLS" || bad "no TLS listen log"

# -- an intruder with a certificate of another CA -------------------------------
# shellcheck disable=SC2046
start_cluster_node execution --run.node_name="$tag-intruder" \
  --node.roles='["signal"]' --node.peers="[\"127.0.0.1:$((base + 1))\"]" \
  $(tls intruder intruder)
sleep 5
if [ "$(metric execution cdb_peer_up)" = 0 ] &&
  ! grep "linked to peer" "$tmp/execution.err" >/dev/null; then
  ok "a node with a certificate of another CA cannot link"
else
  bad "the intruder linked: $(grep cluster "$tmp/execution.err" | tail -n 3)"
fi
kill -TERM "${pids[execution]}"
wait "${pids[execution]}" || true
unset 'pids[execution]'

# -- a plain peer on the TLS port -----------------------------------------------
rogue="$(dirname "$cdb")/tests/cdb_rogue_peer"
if timeout 20 "$rogue" 127.0.0.1 $((base + 1)) >"$tmp/rogue.out" 2>&1; then
  bad "a plain peer reached the TLS node: $(cat "$tmp/rogue.out")"
else
  ok "a plain (non-TLS) peer cannot reach the TLS port"
fi
if [ "$(metric risk cdb_orders_refused_total)" = 0 ] &&
  [ "$(metric risk cdb_trading_state)" = 0 ]; then
  ok "the trading node is untouched (no refused order, ACTIVE)"
else
  bad "the trading node saw the intruders"
fi
# A failed handshake must not cost the healthy link: OpenSSL's per-thread
# error queue, left full by the intruder's attempt, once made the next read
# on the market link look fatal (runtime/tls_error_queue.cpp).
if ! grep "lost peer" "$tmp/market.err" "$tmp/risk.err" >/dev/null; then
  ok "the market link survived the intruders' attempts"
else
  bad "the intruders cut the healthy link: $(grep -h "lost peer" "$tmp/market.err" "$tmp/risk.err" | head -n 3)"
fi

# -- key material goes together ---------------------------------------------------
set +e
"$cdb" node --config "$src/config/paper.conf" --node.peers='["127.0.0.1:1"]' \
  --node.tls_cert="$tmp/market.pem" >"$tmp/cfg.out" 2>&1
status=$?
set -e
if [ $status = 2 ] && grep "node.tls_cert = .*go together" "$tmp/cfg.out" >/dev/null; then
  ok "a certificate without CA and key is a config error naming the key"
else
  bad "half a TLS config gave status $status: $(cat "$tmp/cfg.out")"
fi

stop_nodes risk market
finish "cluster TLS e2e passed"
