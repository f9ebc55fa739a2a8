#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks (Debian's postgresql package):
#   scripts/pg-cluster.sh start DIR   → initdb in DIR, listen only on a Unix socket in DIR,
#                                       print the URL (postgresql://…/postgres?host=DIR&port=…)
#   scripts/pg-cluster.sh stop DIR    → stop it and remove DIR
# Runs the server as the 'postgres' user when started as root (initdb refuses root).
# PGTEST_PORT (default 55432) and PGTEST_SHARED_BUFFERS (default 256MB; benchmarks at national
# size set more, as docs/operations.md advises for production) adjust it.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$BIN/initdb" ]] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PORT=${PGTEST_PORT:-55432}
SHARED_BUFFERS=${PGTEST_SHARED_BUFFERS:-256MB}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_pg "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=$SHARED_BUFFERS" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@/postgres?host=$dir&port=$PORT"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
