#!/usr/bin/env bash
# The live feed over wss:// with certificate verification: a throw-away CA
# signs a certificate for 127.0.0.1; cdb exchange-sim serves TLS with it.
# Trusting that CA, the node receives its ticks; trusting only the system's
# CAs, or asking for a host name the certificate does not carry, it refuses
# the connection, keeps retrying, and never publishes a tick.
set -euo pipefail
cdb=${1:?usage: tls_feed_test.sh CDB_BINARY}
. "$(dirname "$0")/../support/process_test.sh"

cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
  -days 2 -subj "/CN=cdb test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
  -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 2 -extfile ext.cnf 2>/dev/null

start_sim "$cdb" "$tmp" --sim.tls_cert="$tmp/server.pem" \
  --sim.tls_key="$tmp/server.key" --market.step=5ms
streams="btcusdt@trade/btcusdt@bookTicker"

node() { # node URL OUT [flags...]
  local url=$1 out=$2
  shift 2
  "$cdb" run --config "$src/config/paper.conf" --feed.source=binance \
    --feed.url="$url" "$@" >"$out.out" 2>"$out.err" || echo "status $?" >>"$out.err"
}

node "wss://127.0.0.1:$sim_port/stream?streams=$streams" trusted \
  --feed.ca_file="$tmp/ca.pem" --feed.max_ticks=500 --run.duration=30s
grep -q "connected to wss://127.0.0.1:$sim_port" trusted.err &&
  grep -q "stopping: the feed has finished" trusted.err &&
  grep -q "clean stop" trusted.err &&
  ok "trusted CA: connected over TLS, 500 ticks, clean stop" ||
  { bad "trusted CA run"; tail -n 10 trusted.err; }

node "wss://127.0.0.1:$sim_port/stream?streams=$streams" untrusted \
  --run.duration=3s
ticks=$(sed -n 's/.*| ticks \([0-9]*\) |.*/\1/p' untrusted.out | tail -n 1)
grep -q "certificate verify failed" untrusted.err && [ "$ticks" = 0 ] &&
  ok "unknown CA refused (0 ticks)" ||
  { bad "unknown CA not refused (ticks $ticks)"; tail -n 5 untrusted.err; }

node "wss://localhost:$sim_port/stream?streams=$streams" wrongname \
  --feed.ca_file="$tmp/ca.pem" --run.duration=3s
ticks=$(sed -n 's/.*| ticks \([0-9]*\) |.*/\1/p' wrongname.out | tail -n 1)
grep -q "certificate verify failed" wrongname.err && [ "$ticks" = 0 ] &&
  ok "host name not in the certificate refused (0 ticks)" ||
  { bad "wrong host name not refused (ticks $ticks)"; tail -n 5 wrongname.err; }
echo "tls_feed: $failed failed"
[ "$failed" -eq 0 ]
