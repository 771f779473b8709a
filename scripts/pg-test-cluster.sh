#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and benchmarks, on loopback only (see ../shared/TECH.md).
#   scripts/pg-test-cluster.sh start [DIR] [PORT]   # prints: export EVALAPP_TEST_PG_URL=…
#   scripts/pg-test-cluster.sh stop  [DIR]
# The test suite starts (and stops) its own cluster when it can (tests/pg.py); start one with
# this script only to share it between several runs: export the printed variable first.
set -euo pipefail
action="${1:-start}"
dir="$(realpath -m "${2:-/tmp/evalapp-pgtest}")"
port="${3:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || { echo "PostgreSQL 服务器未安装(apt-get install postgresql)" >&2; exit 1; }
run() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
case "$action" in
  start)
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      mkdir -p "$dir/pgdata" "$dir/pgsock"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir/pgdata" "$dir/pgsock"
      run "$bin/initdb -D $dir/pgdata -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    run "$bin/pg_ctl -D $dir/pgdata -l $dir/pgdata/log -o '-p $port -k $dir/pgsock -c listen_addresses=127.0.0.1 -c max_connections=200' -w start" >/dev/null
    echo "export EVALAPP_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port"
    ;;
  stop)
    run "$bin/pg_ctl -D $dir/pgdata -m fast -w stop" >/dev/null
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop [DIR] [PORT]" >&2; exit 2 ;;
esac
