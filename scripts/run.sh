#!/usr/bin/env bash
# make run: builds if needed, starts a private PostgreSQL under var/pg when
# no DSN is configured, and runs single-node paper trading on the synthetic
# market with config/paper.conf. Extra arguments go to 'cdb run'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build
started_pg=0
if [ -z "${CDB_PERSISTENCE_DSN:-}" ]; then
  echo "run: starting private PostgreSQL in var/pg (Unix socket)" >&2
  CDB_PERSISTENCE_DSN=$(bash scripts/pg.sh start var/pg)
  export CDB_PERSISTENCE_DSN
  started_pg=1
fi
# shellcheck disable=SC2317 # called by the EXIT trap
stop_pg() {
  if [ "$started_pg" = 1 ]; then
    bash scripts/pg.sh stop var/pg || true
    echo "run: PostgreSQL stopped; data kept in var/pg (scripts/pg.sh start var/pg to inspect)" >&2
  fi
}
trap stop_pg EXIT
# The node handles SIGINT itself (drain, flush, summary); the shell waits.
trap '' INT
set +e
# The log also goes to var/log/cdb-run.log (make logs follows it); tee
# ignores SIGINT so that it outlives the node's drain and summary.
mkdir -p var/log
./build/cdb run --config config/paper.conf "$@" \
  2> >(trap '' INT && exec tee -a var/log/cdb-run.log >&2)
status=$?
set -e
exit $status
