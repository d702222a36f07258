#!/usr/bin/env bash
# Manages a private PostgreSQL cluster on a Unix socket inside DIR.
#   pg.sh start DIR   initdb if needed, start, create database "cdb";
#                     prints the libpq DSN on stdout
#   pg.sh stop DIR    stops the cluster (data stays)
#   pg.sh dsn DIR     prints the DSN
# PostgreSQL refuses to run as root; as root the server runs as "postgres".
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|status|dsn DIR}
dir=${2:?usage: pg.sh start|stop|status|dsn DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
sock="$dir/socket"
log="$dir/server.log"
port=5432

bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "pg.sh: no PostgreSQL server found under /usr/lib/postgresql" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

dsn() { echo "host=$sock port=$port dbname=cdb user=cdb"; }

case "$cmd" in
  start)
    mkdir -p "$sock"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres:postgres "$dir" "$sock"
      # The server must reach DIR through every parent directory.
      p="$dir"
      while [ "$p" != "/" ]; do
        p=$(dirname "$p")
        chmod o+x "$p" 2>/dev/null || true
      done
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$data" -U cdb -A trust -E UTF8 \
        --no-sync >/dev/null
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
        -o "-c listen_addresses='' -k $sock -p $port -c fsync=on" >/dev/null
    fi
    if ! "$bindir/psql" "host=$sock port=$port dbname=postgres user=cdb" -tAc \
        "SELECT 1 FROM pg_database WHERE datname='cdb'" | grep -q 1; then
      "$bindir/createdb" -h "$sock" -p "$port" -U cdb cdb
    fi
    dsn
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] &&
        as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
  dsn)
    dsn
    ;;
  status)
    [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status
    ;;
  *)
    echo "pg.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
