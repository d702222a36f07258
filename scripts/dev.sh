#!/usr/bin/env bash
# Developer helpers behind make format, db-shell, logs and health.
#   dev.sh format              apply clang-format to every C++ file
#   dev.sh db-shell            psql into the local cluster: $CDB_PERSISTENCE_DSN
#                              if set, else make run's var/pg (started for
#                              the session if it is not running)
#   dev.sh logs                follow make run's log (var/log/cdb-run.log)
#   dev.sh health [URL]        GET /health and /ready of a running node's
#                              admin API (default http://127.0.0.1:9465);
#                              non-zero unless both answer 2xx
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  format)
    mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')
    clang-format -i "${files[@]}"
    echo "format: ${#files[@]} files formatted"
    ;;
  db-shell)
    if [ -n "${CDB_PERSISTENCE_DSN:-}" ]; then
      exec psql "$CDB_PERSISTENCE_DSN"
    fi
    if [ ! -d var/pg/data ]; then
      echo "db-shell: no local cluster in var/pg yet (make run creates it), and CDB_PERSISTENCE_DSN is not set" >&2
      exit 1
    fi
    started=0
    if ! bash scripts/pg.sh status var/pg >/dev/null 2>&1; then
      echo "db-shell: starting var/pg for this session" >&2
      bash scripts/pg.sh start var/pg >/dev/null
      started=1
    fi
    status=0
    psql "$(bash scripts/pg.sh dsn var/pg)" || status=$?
    if [ "$started" = 1 ]; then
      bash scripts/pg.sh stop var/pg >/dev/null
    fi
    exit "$status"
    ;;
  logs)
    log=var/log/cdb-run.log
    if [ ! -f "$log" ]; then
      echo "logs: $log does not exist yet (make run writes it; a systemd node logs to the journal: journalctl -u cdb-node@NAME -f)" >&2
      exit 1
    fi
    exec tail -n 100 -F "$log"
    ;;
  health)
    url=${2:-http://127.0.0.1:9465}
    status=0
    for path in health ready; do
      if ! out=$(curl -sS --max-time 5 -w '\n(HTTP %{http_code})' "$url/$path"); then
        echo "$path: no answer from $url (is a node running? make run, or pass URL=...)" >&2
        status=1
        continue
      fi
      echo "$path: $out" | paste -sd' ' -
      case "$out" in *"(HTTP 2"??")") ;; *) status=1 ;; esac
    done
    exit "$status"
    ;;
  *)
    echo "usage: dev.sh format|db-shell|logs|health [URL]" >&2
    exit 2
    ;;
esac
